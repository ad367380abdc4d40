/**
 * Deleting a custom image in the order the seed requires: the image first (DeleteImages with
 * DeleteBindedSnap), then whatever snapshot is still left, each step waiting until Tencent shows the
 * resource gone. Every call is safe to repeat: "already gone" is success.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Image } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import type { Snapshot } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/v20170312/cbs_models';
import { type LeftoverSnapshots, RETRYABLE_TENCENT_ERROR } from '../contract';
import type { ActivityRuntime } from './runtime';
import { codeOf } from './tencent-api';
import { waitForAll } from './waiting';
import { deleteImageWithBoundSnapshots } from './image';
import { SNAPSHOT_IN_PROGRESS, deleteSnapshot, existingSnapshots } from './snapshot';

export function lifecycleActivities(rt: ActivityRuntime) {
  return {
    /**
     * DeleteImages with DeleteBindedSnap: the image and the snapshots bound to it, in the order Tencent
     * allows. Waits while the image is still being created or copied. False when it was already gone.
     */
    async deleteImageWithBoundSnapshots({ region, imageId }: { region: string; imageId: string }): Promise<boolean> {
      return deleteImageWithBoundSnapshots(rt, region, imageId);
    },

    /** Waits until Describe* no longer returns any of these images. */
    async waitForImagesGone({ region, imageIds }: { region: string; imageIds: string[] }): Promise<void> {
      await waitForAll<Image, true>({
        poller: rt.pollers.images(region),
        ids: imageIds,
        stateOf: (r) => r?.ImageState ?? 'gone',
        decide: (_id, r) => (r ? { wait: true } : { done: true }),
      });
    },

    /**
     * The image's snapshots still there once the image is gone (data-disk snapshots of its run, or bound
     * ones Tencent did not remove): deleted, unless still bound to another image.
     */
    async deleteLeftoverSnapshots(args: { region: string; snapshotIds: string[] }): Promise<LeftoverSnapshots> {
      const result: LeftoverSnapshots = { deleted: [], keptBound: [] };
      for (const snap of await existingSnapshots(rt, args.region, args.snapshotIds)) {
        const id = snap.SnapshotId!;
        const imageIds = (snap.Images ?? []).map((i) => i.ImageId!).filter(Boolean);
        if (imageIds.length) {
          result.keptBound.push({ snapshotId: id, imageIds });
          continue;
        }
        if (SNAPSHOT_IN_PROGRESS.has(snap.SnapshotState ?? '')) {
          throw ApplicationFailure.retryable(`snapshot ${id} is still ${snap.SnapshotState}`, RETRYABLE_TENCENT_ERROR);
        }
        try {
          if (await deleteSnapshot(rt, args.region, id)) result.deleted.push(id); // else already gone
        } catch (err) {
          if (codeOf(err) === 'UnsupportedOperation.SnapshotHasBindedImage') {
            // Bound to an image we did not see yet: never delete an image through its snapshot.
            result.keptBound.push({ snapshotId: id, imageIds: [] });
            continue;
          }
          throw err;
        }
      }
      return result;
    },

    /** Waits until Describe* no longer returns any of these snapshots. */
    async waitForSnapshotsGone({ region, snapshotIds }: { region: string; snapshotIds: string[] }): Promise<void> {
      await waitForAll<Snapshot, true>({
        poller: rt.pollers.snapshots(region),
        ids: snapshotIds,
        stateOf: (r) => r?.SnapshotState ?? 'gone',
        decide: (_id, r) => (r ? { wait: true } : { done: true }),
      });
    },
  };
}
