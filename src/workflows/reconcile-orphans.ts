/**
 * `reconcileOrphans`: the janitor. Finds what closed pipeline runs of a region left behind (runs that were
 * terminated or timed out never compensated; failed or cancelled ones may have leaked; see
 * activities/janitor.ts for what counts) and, with `apply`, undoes it the way compensation would, newest
 * first: launched instances terminated, copies deleted, the image unshared and deleted before its
 * snapshots, leftover data-disk snapshots deleted, the source instance started and its /etc/fstab
 * restored. Without `apply` (the default) it only reports. Runs that COMPLETED keep what their result
 * names (only strays tagged with them are removed); untagged or foreign resources are never considered.
 */
import {
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  executeChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { OrphanReport, OrphanRun } from '../activities/janitor';
import { calls, run, undo, waits, within } from './activity-proxies';
import { deleteCustomImage } from './delete-custom-image';
import { CvmRegion, deleteWorkflowId } from '../contract';

export { RECONCILE_WORKFLOW_TYPE } from '../contract';
export const JANITOR_FAILURES = { incomplete: 'JanitorIncomplete', invalidInput: 'InvalidJanitorInput' } as const;

export interface ReconcileOrphansInput {
  region: string;
  /** Undo what was found; without it, a dry run that only reports. */
  apply?: boolean;
  /** How far back closed runs are looked up by visibility (tagged resources are found whatever their age). */
  closedWithinHours?: number;
}

export interface ReconcileOrphansResult extends OrphanReport {
  apply: boolean;
  /** What was undone, in words with ids (empty in a dry run). */
  undone: string[];
  /** Runs whose source instance this pass restored: later passes read it and leave those sources alone. */
  restoredSources: { workflowId: string; runId: string }[];
}

const WAIT_BOUND_MS = 30 * 60_000;

export async function reconcileOrphans(input: ReconcileOrphansInput): Promise<ReconcileOrphansResult> {
  if (typeof input?.region !== 'string' || !/^[a-z]+(-[a-z]+)+(-\d+)?$/.test(input.region))
    throw ApplicationFailure.nonRetryable(
      'region: a Tencent Cloud region such as ap-guangzhou',
      JANITOR_FAILURES.invalidInput,
    );
  const { region } = input;
  const report = await run(calls.findOrphans, `Find what closed pipeline runs left in ${region}`, [
    { region, closedWithinHours: input.closedWithinHours },
  ]);
  upsertSearchAttributes([{ key: CvmRegion, value: region }]);
  const result: ReconcileOrphansResult = { ...report, apply: Boolean(input.apply), undone: [], restoredSources: [] };
  if (!input.apply) return result;
  const failed: string[] = [];
  // Once it has begun, an undo finishes even if the janitor is cancelled: half an undo leaks.
  await CancellationScope.nonCancellable(async () => {
    for (const orphan of report.runs) {
      try {
        await undoRun(region, orphan, result.undone);
        if (orphan.source) result.restoredSources.push({ workflowId: orphan.workflowId, runId: orphan.runId });
      } catch (err) {
        failed.push(
          `${orphan.workflowId} (run ${orphan.runId}): ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`,
        );
      }
    }
  });
  if (failed.length)
    throw ApplicationFailure.nonRetryable(
      `the janitor could not undo everything in ${region}: ${failed.join('; ')}`,
      JANITOR_FAILURES.incomplete,
      result,
    );
  return result;
}

/** Compensation's order (saga.ts, newest first), on behalf of a closed run. */
async function undoRun(region: string, o: OrphanRun, undone: string[]): Promise<void> {
  const ref = { workflowId: o.workflowId, runId: o.runId };
  if (o.instanceIds.length) {
    const ids = await run(undo.terminateInstances, `Janitor: terminate instances of ${o.workflowId}`, [
      { region, instanceIds: o.instanceIds },
    ]);
    await run(
      undo.waitForInstances,
      `Janitor: wait for ${ids.length} instance(s) to be gone`,
      [{ region, instanceIds: ids, target: 'GONE' }],
      within(WAIT_BOUND_MS),
    );
    undone.push(`terminated ${ids.join(', ')}`);
  }
  if (o.copies.length) {
    const copyRegions = o.copies.map((c) => c.region);
    const deleted = await run(
      undo.deleteImageCopies,
      `Janitor: delete copies ${o.copies.map((c) => c.imageId).join(', ')}`,
      [{ imageName: o.images[0]?.imageName ?? '', destinationRegions: copyRegions, copies: o.copies }],
      within(WAIT_BOUND_MS),
    );
    undone.push(`deleted copies ${deleted.map((c) => `${c.imageId} (${c.region})`).join(', ')}`);
  }
  for (const image of o.images) {
    if (o.status === 'COMPLETED') {
      // A stray next to an image the run kept: deleteCustomImage would take the run's data-disk snapshots
      // and copies (found by the run's tags) with it. Only this image and the snapshots bound to it go.
      await run(
        waits.deleteImageWithBoundSnapshots,
        `Janitor: delete stray image ${image.imageId} of ${o.workflowId}`,
        [{ region, imageId: image.imageId }],
        within(WAIT_BOUND_MS),
      );
      await run(
        waits.waitForImagesGone,
        `Janitor: wait for ${image.imageId} to be gone`,
        [{ region, imageIds: [image.imageId] }],
        within(WAIT_BOUND_MS),
      );
      undone.push(`deleted stray image ${image.imageId} with its bound snapshots`);
      continue;
    }
    // Unshares it, then the image before its snapshots (the only order Tencent allows).
    await executeChild(deleteCustomImage, {
      workflowId: deleteWorkflowId(region, image.imageId),
      args: [{ region, imageId: image.imageId, force: true }],
      staticSummary: `Janitor: delete image \`${image.imageName}\` (${image.imageId}) left by ${o.workflowId}`,
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    undone.push(`deleted image ${image.imageId} with its snapshots`);
  }
  if (o.snapshotIds.length) {
    const left = await run(calls.deleteLeftoverSnapshots, `Janitor: delete snapshots of ${o.workflowId}`, [
      { region, snapshotIds: o.snapshotIds },
    ]);
    if (left.deleted.length)
      await run(
        waits.waitForSnapshotsGone,
        `Janitor: wait for ${left.deleted.length} snapshot(s) to be gone`,
        [{ region, snapshotIds: left.deleted }],
        within(WAIT_BOUND_MS),
      );
    undone.push(`deleted snapshots ${left.deleted.join(', ') || '(none left)'}`);
  }
  if (o.source?.start) {
    const { instanceId } = o.source;
    await run(undo.startInstance, `Janitor: start ${instanceId} again`, [{ region, instanceId }]);
    await run(
      undo.waitForInstances,
      `Janitor: wait for ${instanceId} to be RUNNING`,
      [{ region, instanceIds: [instanceId], target: 'RUNNING' }],
      within(WAIT_BOUND_MS),
    );
    undone.push(`started ${instanceId}`);
  }
  if (o.source?.restoreFstab) {
    const { instanceId } = o.source;
    const r = await run(undo.restoreFstab, `Janitor: restore /etc/fstab on ${instanceId}`, [
      { region, instanceId, ofRun: ref },
    ]);
    undone.push(`restored ${r.restored} /etc/fstab line(s) on ${instanceId}`);
  }
}
