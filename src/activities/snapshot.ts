/**
 * The snapshot, the one module that sends CBS's snapshot actions (CreateSnapshot, DescribeSnapshots,
 * DeleteSnapshots). The seed's best practice for data disks: a snapshot of each, from which the new instance's disks are
 * created. CreateSnapshot has no ClientToken either: a snapshot carries a name unique to the run, and an
 * attempt first looks for it (by run tag or that name) on the disk.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type {
  DescribeSnapshotsRequest,
  DescribeSnapshotsResponse,
  Snapshot,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/v20170312/cbs_models';
import { hasTag, tagList, type ActivityRuntime } from './runtime';
import { codeOf, type TencentApi } from './tencent-api';
import {
  NON_RETRYABLE,
  RETRYABLE_TENCENT_ERROR,
  TAG_RUN_ID,
  TAG_WORKFLOW_ID,
  WAIT_PROGRESS_SIGNAL,
  type PipelineRef,
  type SnapshotArgs,
  type SnapshotFacts,
  type WaitProgress,
} from '../contract';
import { pipelineRef, visibilityWindow, waitForAll } from './waiting';

export interface SnapshotRef {
  diskId: string;
  snapshotName: string;
  snapshotId?: string;
}

/**
 * The snapshot states that end on their own (cbs_models.d.ts `Snapshot.SnapshotState`: CREATING, ROLLBACKING,
 * COPYING_FROM_REMOTE, CHECKING_COPIED; the others are NORMAL and TORECYCLE). Deletion waits them out.
 */
export const SNAPSHOT_IN_PROGRESS: ReadonlySet<string> = new Set([
  'CREATING',
  'ROLLBACKING',
  'COPYING_FROM_REMOTE',
  'CHECKING_COPIED',
]);

export function describeSnapshots(
  api: TencentApi,
  region: string,
  request: DescribeSnapshotsRequest,
  signal?: AbortSignal,
): Promise<DescribeSnapshotsResponse> {
  return api.cbs(region, 'DescribeSnapshots', (c) => c.DescribeSnapshots(request), signal);
}

/** Existing snapshots among `ids` (unknown ids are simply absent). */
export async function existingSnapshots(rt: ActivityRuntime, region: string, ids: string[]): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100);
    try {
      out.push(...((await describeSnapshots(rt.api, region, { SnapshotIds: batch, Limit: 100 })).SnapshotSet ?? []));
    } catch (err) {
      if (codeOf(err) !== 'InvalidSnapshotId.NotFound') throw err;
      // Some regions refuse a whole batch for one deleted id: look one by one.
      if (batch.length > 1) for (const id of batch) out.push(...(await existingSnapshots(rt, region, [id])));
    }
  }
  return out;
}

/** DeleteSnapshots for one snapshot; false when it was already gone. Other refusals are thrown. */
export async function deleteSnapshot(rt: ActivityRuntime, region: string, snapshotId: string): Promise<boolean> {
  try {
    await rt.api.cbs(region, 'DeleteSnapshots', (c) => c.DeleteSnapshots({ SnapshotIds: [snapshotId] }));
    return true;
  } catch (err) {
    if (codeOf(err) === 'InvalidSnapshotId.NotFound') return false;
    throw err;
  }
}

const facts = (s: Snapshot): SnapshotFacts => ({
  snapshotId: s.SnapshotId!,
  diskId: s.DiskId ?? '',
  sizeGb: s.DiskSize ?? 0,
  state: s.SnapshotState ?? 'UNKNOWN',
  percent: s.Percent ?? 0,
});

export function snapshotActivities(rt: ActivityRuntime) {
  async function findOwn(region: string, ref: PipelineRef, s: SnapshotRef): Promise<Snapshot | undefined> {
    if (s.snapshotId) {
      try {
        const res = await describeSnapshots(rt.api, region, { SnapshotIds: [s.snapshotId] });
        const found = res.SnapshotSet?.find((x) => x.SnapshotId === s.snapshotId);
        if (found) return found;
      } catch (err) {
        if (!(err instanceof ApplicationFailure && err.type === NON_RETRYABLE.notFound)) throw err;
      }
    }
    const res = await describeSnapshots(rt.api, region, {
      Filters: [{ Name: 'disk-id', Values: [s.diskId] }],
      Limit: 100,
    });
    return res.SnapshotSet?.find((x) => hasTag(x.Tags, TAG_RUN_ID, ref.runId) || x.SnapshotName === s.snapshotName);
  }

  /**
   * Tells the workflow the overall percent at 25, 50 and 75 % only: each signal costs the history about four
   * events (signal + workflow task), and the end is the activity's own completion. Keeps a pipeline ≤ 100.
   */
  function percentReporter(ref: PipelineRef) {
    let lastStep = 0;
    return (percent: number) => {
      const step = Math.floor(percent / 25);
      if (step <= lastStep || step >= 4) return;
      lastStep = step;
      const ctx = Context.current();
      const progress: WaitProgress = { kind: 'snapshot', percent: Math.round(percent) };
      ctx.client.workflow
        .getHandle(ref.workflowId, ref.runId)
        .signal(WAIT_PROGRESS_SIGNAL, progress)
        .catch((err) => ctx.log.warn('could not report snapshot progress', { error: String(err) }));
    };
  }

  return {
    async createSnapshot(args: SnapshotArgs): Promise<{ snapshotId: string; adopted: boolean }> {
      const ref = pipelineRef();
      const existing = await findOwn(args.region, ref, args);
      if (existing?.SnapshotId) return { snapshotId: existing.SnapshotId, adopted: true };
      const res = await rt.api.cbs(args.region, 'CreateSnapshot', (c) =>
        c.CreateSnapshot({
          DiskId: args.diskId,
          SnapshotName: args.snapshotName,
          Tags: tagList({ ...args.tags, [TAG_WORKFLOW_ID]: ref.workflowId, [TAG_RUN_ID]: ref.runId }),
        }),
      );
      if (res.SnapshotId) return { snapshotId: res.SnapshotId, adopted: false };
      const made = await findOwn(args.region, ref, args);
      if (!made?.SnapshotId) {
        throw ApplicationFailure.retryable(
          'CreateSnapshot returned no SnapshotId and none is visible yet',
          RETRYABLE_TENCENT_ERROR,
        );
      }
      return { snapshotId: made.SnapshotId, adopted: false };
    },

    /** Long wait until every snapshot is NORMAL; reports the mean Percent to the workflow. */
    async waitForSnapshots({
      region,
      snapshotIds,
    }: {
      region: string;
      snapshotIds: string[];
    }): Promise<SnapshotFacts[]> {
      const missing = visibilityWindow(rt.visibilityGraceMs);
      const report = percentReporter(pipelineRef());
      const meanPercent = (m: Map<string, Snapshot | undefined>) =>
        snapshotIds.reduce((sum, id) => sum + (m.get(id)?.Percent ?? 0), 0) / Math.max(1, snapshotIds.length);
      const done = await waitForAll<Snapshot, Snapshot>({
        poller: rt.pollers.snapshots(region),
        ids: snapshotIds,
        stateOf: (r) => (r ? `${r.SnapshotState} ${r.Percent ?? 0}%` : 'missing'),
        extra: (m) => ({ percent: meanPercent(m) }),
        onRound: (m) => report(meanPercent(m)),
        decide: (id, r) => {
          if (!r) return missing(id, 'snapshot');
          if (r.SnapshotState === 'NORMAL') return { done: r };
          if (r.SnapshotState === 'CREATEFAILED') {
            return {
              fail: ApplicationFailure.nonRetryable(
                `snapshot ${id} of disk ${r.DiskId} ended in CREATEFAILED`,
                NON_RETRYABLE.snapshotCreateFailed,
                {
                  snapshotId: id,
                },
              ),
            };
          }
          return { wait: true };
        },
      });
      return done.map(facts);
    },

    /** Compensation: deletes this run's data-disk snapshots, waiting out any still in progress. */
    async deleteSnapshots({ region, snapshots }: { region: string; snapshots: SnapshotRef[] }): Promise<string[]> {
      const ref = pipelineRef();
      const ids: string[] = [];
      for (const s of snapshots) {
        const own = await findOwn(region, ref, s);
        if (own?.SnapshotId) ids.push(own.SnapshotId);
      }
      if (!ids.length) return [];
      await waitForAll<Snapshot, string>({
        poller: rt.pollers.snapshots(region),
        ids,
        stateOf: (r) => r?.SnapshotState ?? 'gone',
        decide: (id, r) => (r && SNAPSHOT_IN_PROGRESS.has(r.SnapshotState ?? '') ? { wait: true } : { done: id }),
      });
      for (const id of ids) await deleteSnapshot(rt, region, id); // already gone: done
      return ids;
    },
  };
}
