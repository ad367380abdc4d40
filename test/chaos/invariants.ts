/**
 * The invariant checker: over the emulator's state (`GET /_emulator/state`), for every finished pipeline,
 * exactly the resources it reports exist; nothing else carries its workflow-id tag; its source instance is
 * back in its original state with `/etc/fstab` byte-for-byte as before; and nothing new exists that no
 * pipeline accounts for. Pure: the chaos runner and the tests hand it a state and the pipelines' records.
 */
import { TAG_WORKFLOW_ID, type CreateCustomImageResult } from '../../src/contract';
import type { EmulatorStateView } from '../helpers/emulator';

export type Outcome =
  | { status: 'completed'; result: CreateCustomImageResult }
  | { status: 'failed' | 'cancelled' | 'terminated' | 'timed-out'; failureType?: string; message: string }
  | { status: 'unfinished'; message: string };

export interface PipelineRecord {
  workflowId: string;
  region: string;
  sourceInstanceId: string;
  imageName: string;
  launch?: { count: number; keep: boolean };
  /** The source instance before the pipeline started. */
  original: { state: string; fstab?: string };
  outcome: Outcome;
}

/** Ids that existed before the run (fixtures, other tests' resources): never counted. */
export interface Baseline {
  images: Set<string>;
  snapshots: Set<string>;
  instances: Set<string>;
  disks: Set<string>;
}

export type ViolationKind = 'duplicate' | 'orphan' | 'not-restored' | 'missing' | 'unfinished';

export interface Violation {
  kind: ViolationKind;
  workflowId?: string;
  resource: string;
  detail: string;
}

export interface InvariantReport {
  violations: Violation[];
  duplicates: number;
  orphans: number;
  notRestored: number;
  missing: number;
  unfinished: number;
}

export function baselineOf(state: EmulatorStateView): Baseline {
  const ids = (list: { id: string }[]) => new Set(list.map((x) => x.id));
  return {
    images: ids(state.images),
    snapshots: ids(state.snapshots),
    instances: ids(state.instances),
    disks: ids(state.disks),
  };
}

type Tagged = { id: string; tags?: { Key: string; Value: string }[] };
const taggedWith = <T extends Tagged>(list: T[], workflowId: string) =>
  list.filter((r) => (r.tags ?? []).some((t) => t.Key === TAG_WORKFLOW_ID && t.Value === workflowId));

/** Only the pipeline's own files: the run's fstab backup is named after the project. */
const leftoverFiles = (files: Record<string, string>) => Object.keys(files).filter((f) => f.includes('cvm-image'));

export function checkInvariants(
  state: EmulatorStateView,
  baseline: Baseline,
  pipelines: PipelineRecord[],
): InvariantReport {
  const violations: Violation[] = [];
  const add = (v: Violation) => violations.push(v);
  const images = new Map(state.images.map((i) => [i.id, i]));
  const snapshots = new Map(state.snapshots.map((s) => [s.id, s]));
  const instances = new Map(state.instances.map((i) => [i.id, i]));
  // Everything a pipeline accounts for (its reported resources, or resources already judged per pipeline).
  const accounted = new Set<string>();

  for (const p of pipelines) {
    const w = p.workflowId;
    const done = p.outcome.status === 'completed' ? p.outcome.result : undefined;
    if (p.outcome.status === 'unfinished') {
      add({ kind: 'unfinished', workflowId: w, resource: w, detail: p.outcome.message });
    }
    // Images: a completed run owns exactly its reported image; a failed one owns none.
    const expectImages = done?.imageId && !done.dryRun ? [done.imageId] : [];
    for (const id of expectImages) {
      const img = images.get(id);
      if (!img) add({ kind: 'missing', workflowId: w, resource: id, detail: 'reported image does not exist' });
      else if (img.state !== 'NORMAL')
        add({ kind: 'missing', workflowId: w, resource: id, detail: `reported image is ${img.state}` });
      else img.snapshotIds.forEach((s) => accounted.add(s)); // bound snapshots travel with the image
      accounted.add(id);
    }
    const expectSnapshots = done?.snapshotIds ?? [];
    for (const id of expectSnapshots) {
      const snap = snapshots.get(id);
      if (!snap) add({ kind: 'missing', workflowId: w, resource: id, detail: 'reported snapshot does not exist' });
      else if (snap.state !== 'NORMAL')
        add({ kind: 'missing', workflowId: w, resource: id, detail: `reported snapshot is ${snap.state}` });
      accounted.add(id);
    }
    const expectInstances = done && p.launch?.keep ? done.launchedInstanceIds : [];
    for (const id of expectInstances) {
      const inst = instances.get(id);
      if (!inst) add({ kind: 'missing', workflowId: w, resource: id, detail: 'kept launched instance does not exist' });
      else if (inst.state !== 'RUNNING')
        add({ kind: 'missing', workflowId: w, resource: id, detail: `kept launched instance is ${inst.state}` });
      accounted.add(id);
    }
    if (done && p.launch?.keep && done.launchedInstanceIds.length !== p.launch.count) {
      add({
        kind: done.launchedInstanceIds.length > p.launch.count ? 'duplicate' : 'missing',
        workflowId: w,
        resource: done.launchedInstanceIds.join(', ') || '(none)',
        detail: `reported ${done.launchedInstanceIds.length} launched instances for launch.count ${p.launch.count}`,
      });
    }

    // Anything else carrying the run's tag: a duplicate when the run completed, an orphan when it did not.
    const extraKind: ViolationKind = done ? 'duplicate' : 'orphan';
    const judge = (what: string, list: (Tagged & { snapshotIds?: string[]; state?: string })[], expected: string[]) => {
      for (const r of taggedWith(list, w)) {
        accounted.add(r.id);
        // TerminateInstances refuses LAUNCH_FAILED instances (documented); no doc says how they go away.
        if (what === 'instance' && r.state === 'LAUNCH_FAILED') continue;
        r.snapshotIds?.forEach((id) => accounted.add(id)); // an extra image's bound snapshots are part of it
        if (!expected.includes(r.id))
          add({ kind: extraKind, workflowId: w, resource: r.id, detail: `${what} tagged with the run, not reported` });
      }
    };
    judge('image', state.images, expectImages);
    judge('snapshot', state.snapshots, expectSnapshots);
    judge('instance', state.instances, expectInstances);
    judge('disk', state.disks, []);

    // Two images by the pipeline's name: the run made one twice without tagging it.
    const named = state.images.filter((i) => i.region === p.region && i.name === p.imageName);
    if (named.length > 1) {
      add({
        kind: 'duplicate',
        workflowId: w,
        resource: named.map((i) => i.id).join(', '),
        detail: `${named.length} images named "${p.imageName}"`,
      });
    }

    // The source instance: original state, nothing in progress, /etc/fstab as before, no leftover backup.
    accounted.add(p.sourceInstanceId);
    const src = instances.get(p.sourceInstanceId);
    const notRestored = (detail: string) =>
      add({ kind: 'not-restored', workflowId: w, resource: p.sourceInstanceId, detail });
    if (!src) notRestored('source instance is gone');
    else {
      if (src.state !== p.original.state) notRestored(`state ${src.state}, was ${p.original.state}`);
      if (src.pending) notRestored(`still changing to ${src.pending.to}`);
      if (src.lockedByImage) notRestored(`still locked by image ${src.lockedByImage}`);
      if (p.original.fstab !== undefined && src.files['/etc/fstab'] !== p.original.fstab)
        notRestored('/etc/fstab differs from before the run');
      const left = leftoverFiles(src.files);
      if (left.length) notRestored(`left files ${left.join(', ')}`);
    }
  }

  // Whatever is new and accounted for by no pipeline leaked (untagged: e.g. an unbound snapshot, a disk).
  const keptInstances = new Set(pipelines.flatMap((p) => (p.launch?.keep ? resultOf(p)?.launchedInstanceIds : [])));
  const orphan = (resource: string, detail: string) => add({ kind: 'orphan', resource, detail });
  for (const i of state.images)
    if (!baseline.images.has(i.id) && !accounted.has(i.id)) orphan(i.id, `image "${i.name}" (${i.state})`);
  for (const s of state.snapshots)
    if (!baseline.snapshots.has(s.id) && !accounted.has(s.id)) orphan(s.id, `snapshot of ${s.diskId} (${s.state})`);
  for (const i of state.instances)
    if (!baseline.instances.has(i.id) && !accounted.has(i.id)) orphan(i.id, `instance (${i.state})`);
  for (const d of state.disks) {
    if (baseline.disks.has(d.id) || accounted.has(d.id)) continue;
    if (d.instanceId && keptInstances.has(d.instanceId)) continue; // a kept instance's own disks
    if (d.instanceId && instances.get(d.instanceId)?.state === 'LAUNCH_FAILED') continue; // see judge()
    orphan(d.id, `disk ${d.usage} ${d.instanceId ? `on ${d.instanceId}` : 'unattached'}`);
  }

  const count = (k: ViolationKind) => violations.filter((v) => v.kind === k).length;
  return {
    violations,
    duplicates: count('duplicate'),
    orphans: count('orphan'),
    notRestored: new Set(violations.filter((v) => v.kind === 'not-restored').map((v) => v.resource)).size,
    missing: count('missing'),
    unfinished: count('unfinished'),
  };
}

function resultOf(p: PipelineRecord): CreateCustomImageResult | undefined {
  return p.outcome.status === 'completed' ? p.outcome.result : undefined;
}
