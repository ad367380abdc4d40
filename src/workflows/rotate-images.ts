/**
 * `rotateImages`: retention under the region's image quota. Keeps the newest `keep` images per group
 * made by this project and deletes the rest through `deleteCustomImage` child workflows (one id per
 * image, so two rotations never delete the same image twice). Foreign, shared and in-use images are
 * never touched (rotation-plan.ts). A dry run returns the same plan and changes nothing.
 */
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  executeChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { calls, run } from './activity-proxies';
import { deleteCustomImage } from './delete-custom-image';
import {
  LIFECYCLE_FAILURES,
  deleteWorkflowId,
  type RotateImagesInput,
  type RotateImagesResult,
  type RotationEntry,
  CvmRegion,
} from '../contract';
import { validateRotateInput } from './lifecycle-validation';
import { planRotation } from './rotation-plan';

/** Deletions at a time: each is a few API calls and waits; the worker's rate limiter does the rest. */
const PARALLEL_DELETES = 5;
/** A child that refuses (the image became shared or in use since the plan) spares the image: not a failure. */
const REFUSALS: string[] = [LIFECYCLE_FAILURES.shared, LIFECYCLE_FAILURES.inUse, LIFECYCLE_FAILURES.notOurs];

export async function rotateImages(raw: RotateImagesInput): Promise<RotateImagesResult> {
  const input = validateRotateInput(raw);
  const { region } = input;
  upsertSearchAttributes([{ key: CvmRegion, value: region }]);
  const [images, uses] = await Promise.all([
    run(calls.listImageInventory, `List custom images in ${region}`, [{ region }]),
    run(calls.findImagesInUse, `Find running pipelines in ${region}`, [{ region }]),
  ]);
  const entries = planRotation(images, uses, input);
  const doomed = entries.filter((e) => e.action === 'delete');
  const result: RotateImagesResult = {
    region,
    keep: input.keep,
    dryRun: input.dryRun,
    entries,
    deleted: input.dryRun ? doomed.map((e) => e.imageId) : [],
    notDeleted: [],
  };
  if (input.dryRun || !doomed.length) return result;

  const failed: string[] = [];
  for (let i = 0; i < doomed.length; i += PARALLEL_DELETES) {
    await Promise.all(
      doomed.slice(i, i + PARALLEL_DELETES).map(async (e) => {
        const outcome = await deleteOne(region, e);
        if (outcome === true) result.deleted.push(e.imageId);
        else {
          result.notDeleted.push({ imageId: e.imageId, reason: outcome.reason });
          if (outcome.failed) failed.push(e.imageId);
        }
      }),
    );
  }
  result.deleted.sort();
  if (failed.length) {
    // Never swallowed: the ids that could not be deleted are named, with the full result in the details.
    throw ApplicationFailure.nonRetryable(
      `rotation in ${region} could not delete ${failed.join(', ')}: ` +
        result.notDeleted.map((n) => `${n.imageId}: ${n.reason}`).join('; '),
      LIFECYCLE_FAILURES.rotationIncomplete,
      result,
    );
  }
  return result;
}

async function deleteOne(region: string, e: RotationEntry): Promise<true | { reason: string; failed: boolean }> {
  const workflowId = deleteWorkflowId(region, e.imageId);
  try {
    await executeChild(deleteCustomImage, {
      workflowId,
      args: [{ region, imageId: e.imageId }],
      staticSummary: `Rotation: delete image \`${e.imageName}\` (${e.imageId}) in ${region}`,
      // A deletion that has begun finishes even if the rotation is terminated.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { reason: `already being deleted by ${workflowId}`, failed: false };
    }
    const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
    const type = cause instanceof ApplicationFailure ? cause.type : undefined;
    const message = cause instanceof Error ? cause.message : String(cause);
    return { reason: message, failed: !(type && REFUSALS.includes(type)) };
  }
}
