/**
 * `reconcileRun`: the run's last word with the cloud, after its own work or its compensation (#19 item 1).
 * A mutation the client gave up on (timeout, reset connection) may still be applied by Tencent afterwards:
 * a late StopInstances stops the restarted source, a late fstab fix comments the restored line out again,
 * a late CreateSnapshot / CreateImage makes a second resource tagged with the run. Only RunInstances
 * (and CBS CreateDisks) documents an idempotency key, `ClientToken` ("用于保证请求幂等性的字符串", vendored
 * cvm-2017-03-12.json RunInstancesRequest); StopInstances, StartInstances, CreateImage, CreateSnapshot,
 * DeleteImages and TAT RunCommand document none (src/tencent/*.json), so their late effects are repaired here:
 *
 * 1. settle: wait until no call of this run can still land (see `settleUntil`);
 * 2. the source instance ends as it started: RUNNING again if it was running;
 * 3. its /etc/fstab restored once more (the restore script acts only on this run's marked lines: a no-op
 *    when nothing late happened);
 * 4. images, unbound data-disk snapshots and instances carrying this run's run-id tag but absent from its
 *    result are removed and reported by id.
 */
import { Context } from '@temporalio/activity';
import type { Image, Instance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import type { Snapshot } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/v20170312/cbs_models';
import { TAG_RUN_ID } from '../contract';
import { guestActivities } from './guest';
import { deleteImageWithBoundSnapshots, describeImages } from './image';
import { describeInstances, instanceActivities } from './instance';
import { terminateInstances } from './launch';
import { hasTag, type ActivityRuntime } from './runtime';
import { SNAPSHOT_IN_PROGRESS, deleteSnapshot, describeSnapshots } from './snapshot';
import { pipelineRef, waitForAll } from './waiting';

/**
 * Default settle window: the SDK's default request timeout (src/cloud/clients.ts, 30 s). Tencent documents
 * no bound on how long after a client gave up an accepted call may still be applied; we assume a request
 * the API gateway accepted is applied or dropped within one more request timeout. A deployment that sees
 * later commits raises `CVM_IMAGE_LATE_SETTLE_MS`; what lands after the window is left to the janitor.
 */
export const DEFAULT_LATE_SETTLE_MS = 30_000;

export interface ReconcileArgs {
  region: string;
  instanceId: string;
  /** The state the source must end in; only RUNNING is acted on (a run never stops a stopped source). */
  sourceState: string;
  /** The run edited (or tried to edit) /etc/fstab. */
  restoreFstab: boolean;
  /** The source's data disks: where a late CreateSnapshot lands (DescribeSnapshots filter `disk-id`). */
  dataDiskIds: string[];
  /** What the run reports (its result); everything else tagged with the run is removed. */
  keep: { imageIds: string[]; snapshotIds: string[]; instanceIds: string[] };
  /** workflowInfo().runStartTime, epoch ms. */
  runStartMs: number;
}

export interface ReconcileReport {
  settledMs: number;
  sourceStarted: boolean;
  fstabRestored: number;
  removed: { imageIds: string[]; snapshotIds: string[]; instanceIds: string[] };
}

const GONE = new Set(['TERMINATING', 'LAUNCH_FAILED']);
const PAGE = 100;

/**
 * Until when to wait: `settleMs` after the last mutation of this run left unanswered on this worker; and
 * when this worker process began after the run did (a crash or restart may have left a call unanswered
 * that the map cannot know), `settleMs` after the process began. Zero when neither applies.
 */
export function settleUntil(
  last: number | undefined,
  processStart: number,
  runStartMs: number,
  settleMs: number,
): number {
  const after = Math.max(last ?? 0, processStart > runStartMs ? processStart : 0);
  return after ? after + settleMs : 0;
}

async function sleepHeartbeating(ms: number): Promise<void> {
  const ctx = Context.current();
  for (let left = ms; left > 0; left -= 5_000) {
    ctx.heartbeat({ settling: left });
    await ctx.sleep(Math.min(left, 5_000));
  }
}

export function reconcileActivities(rt: ActivityRuntime, settleMs = DEFAULT_LATE_SETTLE_MS) {
  const instances = instanceActivities(rt);
  const guest = guestActivities(rt);

  /** Undefined when the source is gone (deleted by someone): nothing to restore. */
  async function sourceBack(region: string, instanceId: string): Promise<boolean | undefined> {
    const state = (await describeInstances(rt.api, region, { InstanceIds: [instanceId] })).InstanceSet?.[0]
      ?.InstanceState;
    if (!state || GONE.has(state) || state === 'SHUTDOWN') return undefined;
    if (state === 'STOPPING')
      await instances.waitForInstances({ region, instanceIds: [instanceId], target: 'STOPPED' });
    const { requested } =
      state === 'RUNNING' ? { requested: false } : await instances.startInstance({ region, instanceId });
    await instances.waitForInstances({ region, instanceIds: [instanceId], target: 'RUNNING' });
    return requested;
  }

  return {
    async reconcileRun(args: ReconcileArgs): Promise<ReconcileReport> {
      const ref = pipelineRef();
      const until = settleUntil(rt.api.unanswered.last(ref.runId), rt.api.unanswered.since, args.runStartMs, settleMs);
      const settledMs = Math.max(0, until - Date.now());
      if (Context.current().info.attempt === 1 && settledMs) await sleepHeartbeating(settledMs);
      const { region, instanceId } = args;

      const back = args.sourceState === 'RUNNING' ? await sourceBack(region, instanceId) : undefined;
      const sourceStarted = back === true;
      const fstabRestored =
        args.restoreFstab && back !== undefined ? (await guest.restoreFstab({ region, instanceId })).restored : 0;

      const ours = (tags: { Key?: string; Value?: string }[] | undefined) => hasTag(tags, TAG_RUN_ID, ref.runId);
      const removed: ReconcileReport['removed'] = { imageIds: [], snapshotIds: [], instanceIds: [] };

      // Images: `tag-key` is a documented DescribeImages filter; the run id is matched here.
      const images: Image[] = [];
      for (let offset = 0; ; offset += PAGE) {
        const r = await describeImages(rt.api, region, {
          Filters: [
            { Name: 'image-type', Values: ['PRIVATE_IMAGE'] },
            { Name: 'tag-key', Values: [TAG_RUN_ID] },
          ],
          Limit: PAGE,
          Offset: offset,
        });
        images.push(...(r.ImageSet ?? []));
        if ((r.ImageSet ?? []).length < PAGE) break;
      }
      for (const i of images)
        if (i.ImageId && ours(i.Tags) && !args.keep.imageIds.includes(i.ImageId))
          if (await deleteImageWithBoundSnapshots(rt, region, i.ImageId)) removed.imageIds.push(i.ImageId);

      // Data-disk snapshots: `disk-id` (at most 10 values) is documented; no tag filter is.
      const snapshots: Snapshot[] = [];
      for (let i = 0; i < args.dataDiskIds.length; i += 10) {
        const r = await describeSnapshots(rt.api, region, {
          Filters: [{ Name: 'disk-id', Values: args.dataDiskIds.slice(i, i + 10) }],
          Limit: PAGE,
        });
        snapshots.push(...(r.SnapshotSet ?? []));
      }
      const stray = snapshots
        .filter((s) => s.SnapshotId && ours(s.Tags) && !s.ImageCount && !args.keep.snapshotIds.includes(s.SnapshotId))
        .map((s) => s.SnapshotId!);
      if (stray.length) {
        await waitForAll<Snapshot, string>({
          poller: rt.pollers.snapshots(region),
          ids: stray,
          stateOf: (r) => r?.SnapshotState ?? 'gone',
          decide: (id, r) => (r && SNAPSHOT_IN_PROGRESS.has(r.SnapshotState ?? '') ? { wait: true } : { done: id }),
        });
        for (const id of stray) if (await deleteSnapshot(rt, region, id)) removed.snapshotIds.push(id);
      }

      // Instances: `tag-key` is a documented DescribeInstances filter. RunInstances carries a ClientToken,
      // so a late launch should not exist; checked all the same, since the cost is one call.
      const launched: Instance[] =
        (await describeInstances(rt.api, region, { Filters: [{ Name: 'tag-key', Values: [TAG_RUN_ID] }], Limit: PAGE }))
          .InstanceSet ?? [];
      const extra = launched
        .filter((i) => i.InstanceId && ours(i.Tags) && !GONE.has(i.InstanceState ?? ''))
        .map((i) => i.InstanceId!)
        .filter((id) => id !== instanceId && !args.keep.instanceIds.includes(id));
      if (extra.length) {
        await terminateInstances(rt, region, extra);
        removed.instanceIds.push(...extra);
      }
      return { settledMs, sourceStarted, fstabRestored, removed };
    },
  };
}
