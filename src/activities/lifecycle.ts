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

/** ModifyImageSharePermission takes a bounded list of accounts per call. */
const SHARE_BATCH = 10;
const IN_TRANSITION = new Set(['CREATING', 'SYNCING', 'IMPORTING']);

export function lifecycleActivities(rt: ActivityRuntime) {
  /** Existing snapshots among `ids` (unknown ids are simply absent). */
  async function describeSnapshots(region: string, ids: string[]): Promise<Snapshot[]> {
    const out: Snapshot[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const batch = ids.slice(i, i + 100);
      try {
        const res = await rt.api.cbs(region, 'DescribeSnapshots', (c) =>
          c.DescribeSnapshots({ SnapshotIds: batch, Limit: 100 }),
        );
        out.push(...(res.SnapshotSet ?? []));
      } catch (err) {
        if (codeOf(err) !== 'InvalidSnapshotId.NotFound') throw err;
        // Some regions refuse a whole batch for one deleted id: look one by one.
        if (batch.length > 1) for (const id of batch) out.push(...(await describeSnapshots(region, [id])));
      }
    }
    return out;
  }

  return {
    /** Stops sharing the image with these accounts (Tencent refuses to delete a shared image). */
    async unshareImage(args: { region: string; imageId: string; accountIds: string[] }): Promise<string[]> {
      for (let i = 0; i < args.accountIds.length; i += SHARE_BATCH) {
        const accounts = args.accountIds.slice(i, i + SHARE_BATCH);
        try {
          await rt.api.cvm(args.region, 'ModifyImageSharePermission', (c) =>
            c.ModifyImageSharePermission({ ImageId: args.imageId, AccountIds: accounts, Permission: 'CANCEL' }),
          );
        } catch (err) {
          if (codeOf(err) === 'InvalidImageId.NotFound') return []; // the image is gone: nothing is shared
          throw err;
        }
      }
      return args.accountIds;
    },

    /**
     * DeleteImages with DeleteBindedSnap: the image and the snapshots bound to it, in the order Tencent
     * allows. Waits while the image is still being created or copied. False when it was already gone.
     */
    async deleteImageWithBoundSnapshots({ region, imageId }: { region: string; imageId: string }): Promise<boolean> {
      const [present] = await waitForAll<Image, boolean>({
        poller: rt.pollers.images(region),
        ids: [imageId],
        stateOf: (r) => r?.ImageState ?? 'gone',
        decide: (_id, r) => (r && IN_TRANSITION.has(r.ImageState ?? '') ? { wait: true } : { done: Boolean(r) }),
      });
      if (!present) return false;
      try {
        await rt.api.cvm(region, 'DeleteImages', (c) =>
          c.DeleteImages({ ImageIds: [imageId], DeleteBindedSnap: true }),
        );
      } catch (err) {
        if (codeOf(err) === 'InvalidImageId.NotFound') return false; // an earlier attempt deleted it
        throw err;
      }
      return true;
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
      for (const snap of await describeSnapshots(args.region, args.snapshotIds)) {
        const id = snap.SnapshotId!;
        const imageIds = (snap.Images ?? []).map((i) => i.ImageId!).filter(Boolean);
        if (imageIds.length) {
          result.keptBound.push({ snapshotId: id, imageIds });
          continue;
        }
        if (snap.SnapshotState === 'CREATING') {
          throw ApplicationFailure.retryable(`snapshot ${id} is still being created`, RETRYABLE_TENCENT_ERROR);
        }
        try {
          await rt.api.cbs(args.region, 'DeleteSnapshots', (c) => c.DeleteSnapshots({ SnapshotIds: [id] }));
          result.deleted.push(id);
        } catch (err) {
          if (codeOf(err) === 'InvalidSnapshotId.NotFound') continue; // already gone
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
