/**
 * The seed's best practice for data disks: a snapshot of each, from which the new instance's data disks are
 * created. Snapshot names carry the run, so a retried CreateSnapshot finds its snapshot instead of making
 * another; the undo step is registered before the first call.
 */
import { isCancellation, workflowInfo } from '@temporalio/workflow';
import { calls, run, undo, waits, within } from './activity-proxies';
import type { LaunchPlan } from './launch-step';
import type { PipelineRun } from './run-context';

export interface DataDiskSnapshots {
  /** In the order they were created. */
  snapshotIds: string[];
  /** What a launched instance's data disks are made from. */
  disks: LaunchPlan['disks'];
}

/** CreateSnapshot has been called for each data disk; the snapshots may still be CREATING. */
export interface PendingSnapshots {
  refs: { diskId: string; snapshotName: string; snapshotId?: string }[];
  snapshotIds: string[];
}

/** The old order: snapshots taken and awaited as their own stage, after the image (and the restart). */
export async function snapshotDataDisks(pipeline: PipelineRun): Promise<DataDiskSnapshots> {
  const { instance, tracker } = pipeline;
  tracker.enter(
    'snapshotting-data-disks',
    `snapshotting ${instance.dataDisks.length} data disk(s)`,
    `snapshots of ${instance.dataDisks.map((d) => d.diskId).join(', ')} to become NORMAL`,
  );
  return awaitDataDiskSnapshots(pipeline, await createDataDiskSnapshots(pipeline));
}

/**
 * CreateSnapshot of each data disk, undo step first. A snapshot "retains data block information of the
 * cloud disk at ... the snapshot creation time, regardless of any changes to the disk that occur after"
 * (Tencent CBS docs, "Snapshot Principles", product/362/31640), so the point in time is the CreateSnapshot
 * call, not the wait for NORMAL. It keeps only data already written, not data still in memory; the docs
 * advise shutting down, or flushing and pausing writes, first ("Creating Snapshot", product/362/5755).
 */
export async function createDataDiskSnapshots({
  input,
  instance,
  saga,
  tracker,
}: PipelineRun): Promise<PendingSnapshots> {
  const token = workflowInfo().runId.slice(0, 8);
  const refs: PendingSnapshots['refs'] = instance.dataDisks.map((d) => ({
    diskId: d.diskId,
    snapshotName: `${input.imageName.slice(0, 30)}-${d.diskId}-${token}`,
    snapshotId: undefined,
  }));
  saga.add({
    name: 'delete data-disk snapshots',
    resources: () => refs.map((r) => r.snapshotId ?? `snapshot of ${r.diskId}`),
    run: () =>
      run(
        undo.deleteSnapshots,
        'Undo: delete data-disk snapshots',
        [{ region: input.region, snapshots: refs }],
        within(input.timeoutsMs.snapshot),
      ).then(() => undefined),
  });
  const snapshotIds: string[] = [];
  for (const r of refs) {
    r.snapshotId = (
      await run(calls.createSnapshot, `CreateSnapshot of data disk ${r.diskId}`, [
        { region: input.region, diskId: r.diskId, snapshotName: r.snapshotName, tags: input.tags },
      ])
    ).snapshotId;
    snapshotIds.push(r.snapshotId);
    tracker.setSnapshots(snapshotIds);
  }
  return { refs, snapshotIds };
}

export async function awaitDataDiskSnapshots(
  { input, instance }: PipelineRun,
  { refs, snapshotIds }: PendingSnapshots,
): Promise<DataDiskSnapshots> {
  const done = await run(
    waits.waitForSnapshots,
    `Wait for ${refs.length} snapshot(s) to become NORMAL`,
    [{ region: input.region, snapshotIds }],
    within(input.timeoutsMs.snapshot),
  );
  const disks = done.map((s) => {
    const disk = instance.dataDisks.find((d) => d.diskId === s.diskId);
    return { snapshotId: s.snapshotId, sizeGb: disk?.sizeGb ?? s.sizeGb, diskType: disk?.diskType };
  });
  return { snapshotIds, disks };
}

/** Marks runs that snapshot the data disks right after CreateImage (older histories replay the old order). */
export const SNAPSHOTS_WITH_IMAGE_PATCH = 'data-disk-snapshots-in-stopped-window';

/**
 * Online: `sync` in the guest over TAT before the image and snapshots. Best effort: an agent that cannot
 * run it leaves the snapshots crash-consistent all the same, so a failure is a warning, not a stop.
 */
export async function flushGuest({ input, where, warn }: PipelineRun): Promise<void> {
  await run(calls.syncGuest, `sync the file systems of ${input.instanceId} before imaging online`, [where], {
    retry: { maximumAttempts: 2 },
  }).catch((err: Error) => {
    if (isCancellation(err)) throw err;
    warn(`could not run sync on ${input.instanceId} before imaging online (${err.message}); crash-consistent`);
  });
}
