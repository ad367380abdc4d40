/**
 * Distributing a finished image: copies to other regions (SyncImages) and sharing with other accounts
 * (ModifyImageSharePermission), and undoing both. SyncImages has no ClientToken: an attempt first looks
 * for the copies an earlier attempt made (by the run tag, else by name as a copy), so a retry never
 * copies twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Image } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import { hasTag, type ActivityRuntime } from './runtime';
import { codeOf } from './tencent-api';
import { NON_RETRYABLE, RETRYABLE_TENCENT_ERROR, TAG_RUN_ID } from './types';
import { pipelineRef, visibilityWindow, waitForAll } from './waiting';

export interface ImageCopy {
  region: string;
  imageId: string;
}

export interface CopyArgs {
  /** The source image's region and id. */
  region: string;
  imageId: string;
  imageName: string;
  destinationRegions: string[];
}

const SHARE_BATCH = 10;

export function distributionActivities(rt: ActivityRuntime) {
  /** This run's copy in a region: tagged with the run, or a synced image of the same name. */
  async function findCopy(region: string, imageName: string, runId: string): Promise<Image | undefined> {
    const res = await rt.api.cvm(region, 'DescribeImages', (c) =>
      c.DescribeImages({ Filters: [{ Name: 'image-name', Values: [imageName] }], Limit: 100 }),
    );
    const named = (res.ImageSet ?? []).filter((i) => i.ImageName === imageName && i.ImageType === 'PRIVATE_IMAGE');
    return named.find((i) => hasTag(i.Tags, TAG_RUN_ID, runId)) ?? named.find((i) => i.ImageSource === 'SYNC_IMAGE');
  }

  return {
    /** SyncImages to every destination that has no copy from this run yet. */
    async copyImage(args: CopyArgs): Promise<ImageCopy[]> {
      const { runId } = pipelineRef();
      const copies: ImageCopy[] = [];
      const missing: string[] = [];
      for (const region of args.destinationRegions) {
        const found = await findCopy(region, args.imageName, runId);
        if (found?.ImageId) copies.push({ region, imageId: found.ImageId });
        else missing.push(region);
      }
      if (!missing.length) return copies;
      const res = await rt.api.cvm(args.region, 'SyncImages', (c) =>
        c.SyncImages({ ImageIds: [args.imageId], DestinationRegions: missing, ImageSetRequired: true }),
      );
      for (const region of missing) {
        const made = res.ImageSet?.find((s) => s.Region === region)?.ImageId;
        const id = made ?? (await findCopy(region, args.imageName, runId))?.ImageId;
        if (!id) {
          throw ApplicationFailure.retryable(
            `SyncImages returned no copy for ${region} and none is visible yet`,
            RETRYABLE_TENCENT_ERROR,
          );
        }
        copies.push({ region, imageId: id });
      }
      return copies;
    },

    /** Long wait until every copy is NORMAL (one region after the other; they sync in parallel anyway). */
    async waitForImageCopies({ copies }: { copies: ImageCopy[] }): Promise<void> {
      for (const copy of copies) {
        const missing = visibilityWindow(rt.visibilityGraceMs);
        await waitForAll<Image, true>({
          poller: rt.pollers.images(copy.region),
          ids: [copy.imageId],
          stateOf: (r) => `${copy.region} ${r?.ImageState ?? 'missing'}`,
          decide: (id, r) => {
            if (!r) return missing(id, `image copy in ${copy.region}`);
            if (r.ImageState === 'NORMAL') return { done: true };
            if (/FAILED$/.test(r.ImageState ?? '')) {
              const message = `the copy ${id} of the image in ${copy.region} ended in ${r.ImageState}`;
              return { fail: ApplicationFailure.nonRetryable(message, NON_RETRYABLE.imageCreateFailed, copy) };
            }
            return { wait: true };
          },
        });
      }
    },

    /** Compensation: deletes this run's copies (known ids, or found again), with their snapshots. */
    async deleteImageCopies(args: { imageName: string; destinationRegions: string[]; copies: ImageCopy[] }) {
      const { runId } = pipelineRef();
      const deleted: ImageCopy[] = [];
      for (const region of args.destinationRegions) {
        const id =
          args.copies.find((c) => c.region === region)?.imageId ??
          (await findCopy(region, args.imageName, runId))?.ImageId;
        if (!id) continue;
        // A copy still SYNCING cannot be deleted yet.
        const [present] = await waitForAll<Image, boolean>({
          poller: rt.pollers.images(region),
          ids: [id],
          stateOf: (r) => r?.ImageState ?? 'gone',
          decide: (_id, r) => (r?.ImageState === 'SYNCING' ? { wait: true } : { done: Boolean(r) }),
        });
        if (!present) continue;
        try {
          await rt.api.cvm(region, 'DeleteImages', (c) => c.DeleteImages({ ImageIds: [id], DeleteBindedSnap: true }));
        } catch (err) {
          if (codeOf(err) !== 'InvalidImageId.NotFound') throw err;
        }
        deleted.push({ region, imageId: id });
      }
      return deleted;
    },

    /** Shares the image with these accounts (sharing twice is harmless). */
    async shareImage(args: { region: string; imageId: string; accountIds: string[] }): Promise<string[]> {
      for (let i = 0; i < args.accountIds.length; i += SHARE_BATCH) {
        const accounts = args.accountIds.slice(i, i + SHARE_BATCH);
        await rt.api.cvm(args.region, 'ModifyImageSharePermission', (c) =>
          c.ModifyImageSharePermission({ ImageId: args.imageId, AccountIds: accounts, Permission: 'SHARE' }),
        );
      }
      return args.accountIds;
    },
  };
}
