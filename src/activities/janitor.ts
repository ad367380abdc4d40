/**
 * The janitor's eyes (`reconcileOrphans`): what closed pipeline runs left behind in a region. A resource
 * is considered only if it carries a run's tags (`cvm-image-pipeline:workflow-id` / `run-id`), and a
 * source instance or copy only if the run's own history names it; untagged or foreign resources are never
 * listed. A run that COMPLETED kept what its result names (anything else with its tags is a stray that
 * landed late); a run still open is none of the janitor's business; a run that was TERMINATED or
 * TIMED_OUT never compensated, and a FAILED or CANCELED one compensated but may have leaked. Nothing here
 * changes the cloud.
 */
import type { Client } from '@temporalio/client';
import type { Image, Instance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import type { Snapshot } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/v20170312/cbs_models';
import {
  CvmInstanceId,
  RECONCILE_WORKFLOW_TYPE,
  TAG_RUN_ID,
  TAG_WORKFLOW_ID,
  WORKFLOW_TYPE,
  type CreateCustomImageResult,
} from '../contract';
import type { ImageCopy } from './distribution';
import { readHistory, type UnfinishedCopy } from './run-history';
import { describeImages } from './image';
import { describeInstances, instanceGoneReason } from './instance';
import { describeSnapshots } from './snapshot';
import type { TemporalClientSource } from './images-inventory';
import type { ActivityRuntime } from './runtime';

const PAGE = 100;
const GONE = new Set(['TERMINATING', 'LAUNCH_FAILED']);
/** Closed without keeping what they made. */
const ORPHANING = new Set(['TERMINATED', 'TIMED_OUT', 'FAILED', 'CANCELLED', 'CANCELED']);

export interface OrphanRun {
  workflowId: string;
  runId: string;
  /** How the run closed (Temporal's status name). */
  status: string;
  images: { imageId: string; imageName: string; state: string }[];
  /** Data-disk snapshots tagged with the run and bound to no image. */
  snapshotIds: string[];
  /** Instances the run launched (tagged with it), not terminated. */
  instanceIds: string[];
  /** Copies in other regions the run's history recorded (SyncImages copies carry no tags). */
  copies: ImageCopy[];
  /**
   * Namesakes a copy step cut short may have made: untagged private images with the image's name in a
   * destination region, created while that step ran. Listed, never deleted, when the janitor cannot tell
   * which one is the run's (more than one candidate in a region).
   */
  unsureCopies?: ImageCopy[];
  /** The source instance, when the run's history shows it stopped it or edited /etc/fstab without undoing. */
  source?: { instanceId: string; start: boolean; restoreFstab: boolean };
}

export interface OrphanReport {
  region: string;
  runs: OrphanRun[];
  /** Tagged resources whose run Temporal no longer knows (history past retention): listed, never touched. */
  unknownRuns: { workflowId: string; runId: string; resources: string[] }[];
  /** Source instances left alone, and why. */
  skippedSources: { instanceId: string; reason: string }[];
}

const literal = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

type Key = string;
const key = (workflowId: string, runId: string): Key => `${workflowId}\n${runId}`;
const tag = (tags: { Key?: string; Value?: string }[] | undefined, k: string) => tags?.find((t) => t.Key === k)?.Value;

interface Tagged {
  workflowId: string;
  runId: string;
  images: Image[];
  snapshots: Snapshot[];
  instances: Instance[];
}

/** Every page of a Describe* call filtered on our run tag. */
async function allPages<T>(page: (offset: number) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items, total } = await page(offset);
    out.push(...items);
    if (items.length < PAGE || offset + items.length >= total) return out;
  }
}

/**
 * Tencent's CreatedTime has second precision and its clock is not ours; an activity also runs on after its
 * run is terminated, until its next heartbeat (the pollers' interval, well under this).
 */
const COPY_WINDOW_MARGIN_MS = 5 * 60_000;

/**
 * A COMPLETED pipeline run kept what its result names. Anything else carrying its tags is a stray: a call
 * Tencent applied after the client gave up and after the run's own reconciliation window (docs/chaos.md),
 * e.g. a second CreateSnapshot or CreateImage. Strays are listed like a failed run's leftovers, never a
 * source (the run restored it itself) and never a copy (copies carry no tags).
 */
async function straysOfCompleted(client: Client, c: Tagged): Promise<OrphanRun | undefined> {
  if (!c.images.length && !c.snapshots.length && !c.instances.length) return undefined;
  const result = (await client.workflow.getHandle(c.workflowId, c.runId).result()) as CreateCustomImageResult;
  const images = c.images.filter((i) => i.ImageId !== result.imageId);
  const snapshotIds = c.snapshots.map((s) => s.SnapshotId!).filter((id) => !result.snapshotIds?.includes(id));
  const instanceIds = c.instances.map((i) => i.InstanceId!).filter((id) => !result.launchedInstanceIds?.includes(id));
  if (!images.length && !snapshotIds.length && !instanceIds.length) return undefined;
  return {
    workflowId: c.workflowId,
    runId: c.runId,
    status: 'COMPLETED',
    images: images.map((i) => ({ imageId: i.ImageId!, imageName: i.ImageName ?? '', state: i.ImageState ?? '' })),
    snapshotIds,
    instanceIds,
    copies: [],
  };
}

/** Runs whose source an earlier, completed janitor pass of the region already restored. */
async function sourcesHandled(client: Client, region: string, since: string): Promise<Set<Key>> {
  const done = new Set<Key>();
  const query =
    `WorkflowType = ${literal(RECONCILE_WORKFLOW_TYPE)} AND CvmRegion = ${literal(region)} ` +
    `AND ExecutionStatus = 'Completed' AND CloseTime > ${literal(since)}`;
  for await (const wf of client.workflow.list({ query })) {
    const result = (await client.workflow.getHandle(wf.workflowId, wf.runId).result()) as {
      restoredSources?: { workflowId: string; runId: string }[];
    };
    for (const r of result?.restoredSources ?? []) done.add(key(r.workflowId, r.runId));
  }
  return done;
}

export function janitorActivities(rt: ActivityRuntime, temporal: TemporalClientSource) {
  /** Why a run's source is not to be restored now: a pipeline runs on it (and owns its state), or it is gone. */
  async function sourceSkipReason(client: Client, region: string, instanceId: string): Promise<string | undefined> {
    const running =
      `WorkflowType = ${literal(WORKFLOW_TYPE)} AND ExecutionStatus = 'Running' ` +
      `AND CvmRegion = ${literal(region)} AND CvmInstanceId = ${literal(instanceId)}`;
    for await (const _ of client.workflow.list({ query: running })) return 'a pipeline is running on it now';
    return instanceGoneReason(rt.api, region, instanceId);
  }

  async function tagged(region: string): Promise<Map<Key, Tagged>> {
    // Not every Describe* documents a tag-key filter (DescribeSnapshots does not, in the vendored
    // contract): list everything and keep what carries our run tags, which works whatever the answer.
    const filter = undefined;
    const [images, snapshots, instances] = await Promise.all([
      allPages(async (Offset) => {
        const r = await describeImages(rt.api, region, { Filters: filter, Limit: PAGE, Offset });
        return { items: r.ImageSet ?? [], total: r.TotalCount ?? 0 };
      }),
      allPages(async (Offset) => {
        const r = await describeSnapshots(rt.api, region, { Filters: filter, Limit: PAGE, Offset });
        return { items: r.SnapshotSet ?? [], total: r.TotalCount ?? 0 };
      }),
      allPages(async (Offset) => {
        const r = await describeInstances(rt.api, region, { Filters: filter, Limit: PAGE, Offset });
        return { items: r.InstanceSet ?? [], total: r.TotalCount ?? 0 };
      }),
    ]);
    const byRun = new Map<Key, Tagged>();
    const entry = (tags: { Key?: string; Value?: string }[] | undefined) => {
      const workflowId = tag(tags, TAG_WORKFLOW_ID);
      const runId = tag(tags, TAG_RUN_ID);
      if (!workflowId || !runId) return undefined; // half-tagged: not provably ours
      const k = key(workflowId, runId);
      if (!byRun.has(k)) byRun.set(k, { workflowId, runId, images: [], snapshots: [], instances: [] });
      return byRun.get(k)!;
    };
    for (const i of images) if (i.ImageType === 'PRIVATE_IMAGE') entry(i.Tags)?.images.push(i);
    for (const s of snapshots) if (!s.ImageCount) entry(s.Tags)?.snapshots.push(s);
    for (const i of instances) if (!GONE.has(i.InstanceState ?? '')) entry(i.Tags)?.instances.push(i);
    return byRun;
  }

  /**
   * The copies an unfinished copy step made. SyncImages copies carry no tags and name no source (see
   * distribution.ts ownCopy), so a copy is recognised as a run's own only when it is the one untagged
   * private namesake in its region created inside the step's window; a tagged namesake is another run's
   * CreateImage, never a copy. Two or more candidates: none is claimed, all are reported as unsure.
   */
  async function copiesMadeBetween({ args, from, to }: UnfinishedCopy) {
    const copies: ImageCopy[] = [];
    const unsure: ImageCopy[] = [];
    for (const region of args.destinationRegions) {
      const res = await describeImages(rt.api, region, {
        Filters: [{ Name: 'image-name', Values: [args.imageName] }],
        Limit: 100,
      });
      const candidates = (res.ImageSet ?? []).filter((i) => {
        const created = Date.parse(i.CreatedTime ?? '');
        return (
          i.ImageName === args.imageName &&
          i.ImageType === 'PRIVATE_IMAGE' &&
          !tag(i.Tags, TAG_RUN_ID) &&
          created >= from - COPY_WINDOW_MARGIN_MS &&
          created <= to + COPY_WINDOW_MARGIN_MS
        );
      });
      const found = candidates.map((i) => ({ region, imageId: i.ImageId! }));
      if (found.length === 1) copies.push(found[0]);
      else unsure.push(...found);
    }
    return { copies, unsure };
  }

  return {
    /** The copies in other regions a pipeline run made (its history), for deleteCustomImage (#13 item 11). */
    async findRunCopies({ workflowId, runId }: { workflowId: string; runId: string }): Promise<ImageCopy[]> {
      let h: Awaited<ReturnType<typeof readHistory>>;
      try {
        h = await readHistory(temporal(), workflowId, runId);
      } catch (err) {
        if ((err as Error).name === 'WorkflowNotFoundError') return []; // past retention: nothing to go by
        throw err;
      }
      const copies = [...h.copies];
      for (const u of h.unfinishedCopies)
        for (const c of (await copiesMadeBetween(u)).copies)
          if (!copies.some((k) => k.imageId === c.imageId)) copies.push(c);
      return copies;
    },

    /** The closed runs of `region` that left something behind, and what (see the module comment). */
    async findOrphans({ region, closedWithinHours = 24 * 7 }: { region: string; closedWithinHours?: number }) {
      const client = temporal();
      const report: OrphanReport = { region, runs: [], unknownRuns: [], skippedSources: [] };
      const candidates = await tagged(region);
      // Runs that left only a stopped source or an edited fstab carry no tagged resource: ask visibility.
      const since = new Date(Date.now() - closedWithinHours * 3_600_000).toISOString();
      const query =
        `WorkflowType = ${literal(WORKFLOW_TYPE)} AND CvmRegion = ${literal(region)} ` +
        `AND ExecutionStatus != 'Running' AND ExecutionStatus != 'Completed' AND CloseTime > ${literal(since)}`;
      for await (const wf of client.workflow.list({ query })) {
        const k = key(wf.workflowId, wf.runId);
        if (!candidates.has(k))
          candidates.set(k, { workflowId: wf.workflowId, runId: wf.runId, images: [], snapshots: [], instances: [] });
      }
      const handled = await sourcesHandled(client, region, since);
      for (const c of candidates.values()) {
        let status: string;
        let type: string;
        let instanceId: string | undefined;
        try {
          const d = await client.workflow.getHandle(c.workflowId, c.runId).describe();
          status = d.status.name;
          type = d.type;
          instanceId = d.typedSearchAttributes.get(CvmInstanceId);
        } catch (err) {
          if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
          const resources = [...c.images.map((i) => i.ImageId!), ...c.snapshots.map((s) => s.SnapshotId!)];
          report.unknownRuns.push({ workflowId: c.workflowId, runId: c.runId, resources });
          continue;
        }
        if (status === 'COMPLETED') {
          // Only pipeline runs' results name what they kept; other tagged runs (bakes) keep what is theirs.
          const strays = type === WORKFLOW_TYPE ? await straysOfCompleted(client, c) : undefined;
          if (strays) report.runs.push(strays);
          continue;
        }
        if (!ORPHANING.has(status)) continue;
        const h = await readHistory(client, c.workflowId, c.runId);
        const run: OrphanRun = {
          workflowId: c.workflowId,
          runId: c.runId,
          status,
          images: c.images.map((i) => ({
            imageId: i.ImageId!,
            imageName: i.ImageName ?? '',
            state: i.ImageState ?? '',
          })),
          snapshotIds: c.snapshots.map((s) => s.SnapshotId!),
          instanceIds: c.instances.map((i) => i.InstanceId!),
          copies: [...h.copies],
          source:
            instanceId && (h.start || h.restoreFstab)
              ? { instanceId, start: h.start, restoreFstab: h.restoreFstab }
              : undefined,
        };
        for (const u of h.unfinishedCopies) {
          const { copies, unsure } = await copiesMadeBetween(u);
          for (const c of copies) if (!run.copies.some((k) => k.imageId === c.imageId)) run.copies.push(c);
          if (unsure.length) run.unsureCopies = [...(run.unsureCopies ?? []), ...unsure];
        }
        // Its history never changes: an earlier janitor pass that restored this source is the record.
        if (handled.has(key(run.workflowId, run.runId))) run.source = undefined;
        // A pipeline running on the same instance now (started after this run ended) owns its state; a source
        // released since has nothing to restore (starting it would be retried for ever).
        const skip = run.source && (await sourceSkipReason(client, region, run.source.instanceId));
        if (run.source && skip) {
          report.skippedSources.push({ ...run.source, reason: skip });
          run.source = undefined;
        }
        const anything = run.images.length + run.snapshotIds.length + run.instanceIds.length + run.copies.length;
        if (anything || run.source) report.runs.push(run);
      }
      report.runs.sort((a, b) => a.workflowId.localeCompare(b.workflowId) || a.runId.localeCompare(b.runId));
      return report;
    },
  };
}
