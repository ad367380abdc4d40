/**
 * `deleteCustomImage`: an image and its snapshots, in the order the seed requires (a snapshot cannot be
 * deleted before its image): DeleteImages with DeleteBindedSnap, then any snapshot still left, each
 * waited on until gone. Refuses, before changing anything, images this project did not make, images a
 * running pipeline uses and shared images, unless `force`. Running it again on a deleted image is a no-op.
 */
import { ApplicationFailure, CancellationScope, patched, upsertSearchAttributes } from '@temporalio/workflow';
import {
  type InventoryImage,
  LIFECYCLE_FAILURES,
  type DeleteCustomImageInput,
  type DeleteCustomImageResult,
  CvmImageId,
  CvmRegion,
} from '../contract';
import { calls, run, waits, within } from './activity-proxies';
import { validateDeleteInput } from './lifecycle-validation';

/** A CREATING image cannot be deleted; an image takes up to hours to finish (createCustomImage's default). */
const TRANSITION_BOUND_MS = 2 * 3_600_000;
const GONE_BOUND_MS = 30 * 60_000;
/** Deletions recorded before copies were deleted with their image replay without the copy steps. */
const DELETE_COPIES_PATCH = 'delete-image-copies-of-run';

function refuse(type: string, message: string, image: InventoryImage): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`${message}; nothing was changed`, type, {
    imageId: image.imageId,
    imageName: image.imageName,
  });
}

export async function deleteCustomImage(raw: DeleteCustomImageInput): Promise<DeleteCustomImageResult> {
  const input = validateDeleteInput(raw);
  const { region, imageId } = input;
  upsertSearchAttributes([
    { key: CvmRegion, value: region },
    { key: CvmImageId, value: imageId },
  ]);
  const result: DeleteCustomImageResult = {
    imageId,
    alreadyGone: false,
    unsharedFrom: [],
    deletedSnapshotIds: [],
    keptSnapshots: [],
    freedSnapshotGb: 0,
  };

  const image = await run(calls.inspectImage, `Inspect image ${imageId} (${region})`, [{ region, imageId }]);
  if (!image) return { ...result, alreadyGone: true };
  const name = `image ${imageId} ("${image.imageName}")`;
  if (image.imageType !== 'PRIVATE_IMAGE') {
    throw refuse(LIFECYCLE_FAILURES.notCustomImage, `${name} is a ${image.imageType}, not a custom image`, image);
  }
  if (!input.force) {
    if (!image.madeBy)
      throw refuse(LIFECYCLE_FAILURES.notOurs, `${name} was not made by cvm-image-pipeline (pass force)`, image);
    if (image.sharedWith.length)
      throw refuse(
        LIFECYCLE_FAILURES.shared,
        `${name} is shared with ${image.sharedWith.join(', ')} (pass force to unshare and delete it)`,
        image,
      );
    const uses = await run(calls.findImagesInUse, `Find running pipelines in ${region}`, [{ region }]);
    const use = uses.find((u) => u.imageId === imageId || (image.madeBy?.runId && u.runId === image.madeBy.runId));
    if (use) throw refuse(LIFECYCLE_FAILURES.inUse, `${name} is in use by running pipeline ${use.workflowId}`, image);
  }

  // Once something changes, the deletion finishes even if cancelled: half a deletion leaks snapshots.
  return CancellationScope.nonCancellable(() => deleteInOrder(region, image, result));
}

async function deleteInOrder(
  region: string,
  image: InventoryImage,
  result: DeleteCustomImageResult,
): Promise<DeleteCustomImageResult> {
  const { imageId } = image;
  // #13 item 11: the copies copyToRegions made of this image in other regions go with it. Only the making
  // run's own (its history: the ids SyncImages returned to it), never a same-named image found by name.
  const maker = image.madeBy;
  if (maker?.runId && patched(DELETE_COPIES_PATCH)) {
    const copies = await run(calls.findRunCopies, `Find the copies run ${maker.runId} made of ${imageId}`, [
      { workflowId: maker.workflowId, runId: maker.runId },
    ]);
    for (const copy of copies) {
      await run(
        waits.deleteImageWithBoundSnapshots,
        `DeleteImages copy ${copy.imageId} (${copy.region}) with its bound snapshots`,
        [copy],
        within(TRANSITION_BOUND_MS),
      );
      await run(
        waits.waitForImagesGone,
        `Wait for copy ${copy.imageId} (${copy.region}) to be gone`,
        [{ region: copy.region, imageIds: [copy.imageId] }],
        within(GONE_BOUND_MS),
      );
    }
    result.deletedCopies = copies;
  }
  if (image.sharedWith.length) {
    result.unsharedFrom = await run(
      calls.unshareImage,
      `Unshare ${imageId} from ${image.sharedWith.length} account(s)`,
      [{ region, imageId, accountIds: image.sharedWith }],
    );
  }
  // 1. The image, with the snapshots bound to it (the only order Tencent allows).
  await run(
    waits.deleteImageWithBoundSnapshots,
    `DeleteImages ${imageId} with its bound snapshots`,
    [{ region, imageId }],
    within(TRANSITION_BOUND_MS),
  );
  await run(
    waits.waitForImagesGone,
    `Wait for image ${imageId} to be gone`,
    [{ region, imageIds: [imageId] }],
    within(GONE_BOUND_MS),
  );

  // 2. Then whatever snapshot is still there: data-disk snapshots of its run, bound ones Tencent kept.
  const snapshotIds = image.snapshots.map((s) => s.snapshotId);
  if (snapshotIds.length) {
    const leftover = await run(calls.deleteLeftoverSnapshots, `Delete snapshots left by image ${imageId}`, [
      { region, snapshotIds },
    ]);
    if (leftover.deleted.length) {
      await run(
        waits.waitForSnapshotsGone,
        `Wait for ${leftover.deleted.length} snapshot(s) to be gone`,
        [{ region, snapshotIds: leftover.deleted }],
        within(GONE_BOUND_MS),
      );
    }
    result.keptSnapshots = leftover.keptBound;
  }
  const kept = new Set(result.keptSnapshots.map((k) => k.snapshotId));
  const gone = image.snapshots.filter((s) => !kept.has(s.snapshotId));
  result.deletedSnapshotIds = gone.map((s) => s.snapshotId);
  result.freedSnapshotGb = gone.reduce((sum, s) => sum + s.sizeGb, 0);
  return result;
}
