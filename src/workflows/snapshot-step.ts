/**
 * The seed's best practice for data disks: a snapshot of each, from which the new instance's data disks are
 * created. Snapshot names carry the run, so a retried CreateSnapshot finds its snapshot instead of making
 * another; the undo step is registered before the first call.
 */
import { workflowInfo } from '@temporalio/workflow';
import { calls, run, undo, waits, within } from './activity-proxies';
import type { LaunchPlan } from './launch-step';
import type { PipelineRun } from './run-context';

export interface DataDiskSnapshots {
  /** In the order they were created. */
  snapshotIds: string[];
  /** What a launched instance's data disks are made from. */
  disks: LaunchPlan['disks'];
}

export async function snapshotDataDisks({ input, instance, saga, tracker }: PipelineRun): Promise<DataDiskSnapshots> {
  tracker.enter(
    'snapshotting-data-disks',
    `snapshotting ${instance.dataDisks.length} data disk(s)`,
    `snapshots of ${instance.dataDisks.map((d) => d.diskId).join(', ')} to become NORMAL`,
  );
  const token = workflowInfo().runId.slice(0, 8);
  const refs = instance.dataDisks.map((d) => ({
    diskId: d.diskId,
    snapshotName: `${input.imageName.slice(0, 30)}-${d.diskId}-${token}`,
    snapshotId: undefined as string | undefined,
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
