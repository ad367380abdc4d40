/**
 * The custom image: create it (idempotently, see image-lookup.ts), wait for it to become NORMAL, and
 * delete it with its bound snapshots when the pipeline has to undo its work.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Image } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import { findOwnImage } from './image-lookup';
import { tagList, type ActivityRuntime } from './runtime';
import { codeOf } from './tencent-api';
import {
  NON_RETRYABLE,
  RETRYABLE_TENCENT_ERROR,
  TAG_RUN_ID,
  TAG_WORKFLOW_ID,
  type CreateImageArgs,
  type CreateImageOutcome,
  type ImageFacts,
} from '../contract';
import { pipelineRef, visibilityWindow, waitForAll } from './waiting';

export interface DeleteImageArgs {
  region: string;
  imageName: string;
  /** Known from createImage; the run tag finds it too when that answer was lost. */
  imageId?: string;
}

const facts = (i: Image): ImageFacts => ({
  imageId: i.ImageId!,
  state: i.ImageState ?? 'UNKNOWN',
  snapshotIds: (i.SnapshotSet ?? []).map((s) => s.SnapshotId!).filter(Boolean),
  snapshotGb: (i.SnapshotSet ?? []).reduce((sum, s) => sum + (s.DiskSize ?? 0), 0),
});

export function imageActivities(rt: ActivityRuntime) {
  return {
    /** Adopts the image an earlier attempt of this run made; otherwise creates it, tagged with the run. */
    async createImage(args: CreateImageArgs): Promise<CreateImageOutcome> {
      const ref = pipelineRef();
      // Only a retry can find an image of this run (tagged with its run id); a first attempt skips the two
      // lookups (a foreign image with the name still surfaces as InvalidImageName.Duplicate below).
      if (Context.current().info.attempt > 1) {
        const existing = await findOwnImage(rt, args.region, args.imageName, ref);
        if (existing?.ImageId) return { imageId: existing.ImageId, adopted: true };
      }
      const request = {
        InstanceId: args.instanceId,
        ImageName: args.imageName,
        ImageDescription: args.imageDescription,
        ImageFamily: args.imageFamily,
        DataDiskIds: args.dataDiskIds?.length ? args.dataDiskIds : undefined,
        TagSpecification: [
          {
            ResourceType: 'image',
            Tags: tagList({ ...args.tags, [TAG_WORKFLOW_ID]: ref.workflowId, [TAG_RUN_ID]: ref.runId }),
          },
        ],
      };
      if (args.dryRun) {
        try {
          await rt.api.cvm(args.region, 'CreateImage', (c) =>
            c.CreateImage({ ...request, DryRun: true, ForcePoweroff: args.forcePoweroff ? 'TRUE' : undefined }),
          );
        } catch (err) {
          if (codeOf(err) === 'DryRunOperation') return { adopted: false, dryRun: true };
          throw err;
        }
        return { adopted: false, dryRun: true };
      }
      let imageId: string | undefined;
      try {
        imageId = (await rt.api.cvm(args.region, 'CreateImage', (c) => c.CreateImage(request))).ImageId;
      } catch (err) {
        if (codeOf(err) !== 'InvalidImageName.Duplicate') throw err;
        // An earlier attempt's image not yet visible by tag, or someone else's image with this name.
        const again = await findOwnImage(rt, args.region, args.imageName, ref);
        if (again?.ImageId) return { imageId: again.ImageId, adopted: true };
        throw ApplicationFailure.retryable(
          `CreateImage says "${args.imageName}" exists but no such image is visible yet`,
          RETRYABLE_TENCENT_ERROR,
        );
      }
      if (!imageId) {
        const made = await findOwnImage(rt, args.region, args.imageName, ref);
        if (!made?.ImageId) {
          throw ApplicationFailure.retryable(
            'CreateImage returned no ImageId and the image is not visible yet',
            RETRYABLE_TENCENT_ERROR,
          );
        }
        imageId = made.ImageId;
      }
      return { imageId, adopted: false };
    },

    /** Long wait until NORMAL; CREATEFAILED fails at once. */
    async waitForImage({ region, imageId }: { region: string; imageId: string }): Promise<ImageFacts> {
      const missing = visibilityWindow(rt.visibilityGraceMs);
      const [image] = await waitForAll<Image, Image>({
        poller: rt.pollers.images(region),
        ids: [imageId],
        stateOf: (r) => r?.ImageState ?? 'missing',
        decide: (id, r) => {
          if (!r) return missing(id, 'image');
          if (r.ImageState === 'NORMAL') return { done: r };
          if (r.ImageState === 'CREATEFAILED' || r.ImageState === 'IMPORTFAILED') {
            return {
              fail: ApplicationFailure.nonRetryable(
                `image ${id} ended in ${r.ImageState}`,
                NON_RETRYABLE.imageCreateFailed,
                { imageId: id },
              ),
            };
          }
          return { wait: true };
        },
      });
      return facts(image);
    },

    /**
     * Compensation: deletes this run's image and the snapshots bound to it (DeleteBindedSnap: the seed
     * requires an image to go before its snapshots). A CREATING image cannot be deleted, so it waits.
     */
    async deleteImage(args: DeleteImageArgs): Promise<string[]> {
      const ref = pipelineRef();
      const targets = new Map<string, Image>();
      let own: Image | undefined;
      try {
        own = await findOwnImage(rt, args.region, args.imageName, ref);
      } catch (err) {
        // Someone else's image with that name is not ours to delete.
        if (!(err instanceof ApplicationFailure && err.type === NON_RETRYABLE.duplicateImageName)) throw err;
      }
      if (own?.ImageId) targets.set(own.ImageId, own);
      if (args.imageId && !targets.has(args.imageId)) {
        const res = await rt.api.cvm(args.region, 'DescribeImages', (c) =>
          c.DescribeImages({ ImageIds: [args.imageId!] }),
        );
        // createImage returned this id to this run, so it is ours even if its tags were lost.
        const found = res.ImageSet?.find((i) => i.ImageId === args.imageId);
        if (found) targets.set(args.imageId, found);
      }
      const ids = [...targets.keys()];
      if (!ids.length) return [];
      await waitForAll<Image, string>({
        poller: rt.pollers.images(args.region),
        ids,
        stateOf: (r) => r?.ImageState ?? 'gone',
        decide: (id, r) => (r && r.ImageState === 'CREATING' ? { wait: true } : { done: id }),
      });
      for (const id of ids) {
        try {
          await rt.api.cvm(args.region, 'DeleteImages', (c) =>
            c.DeleteImages({ ImageIds: [id], DeleteBindedSnap: true }),
          );
        } catch (err) {
          if (codeOf(err) !== 'InvalidImageId.NotFound') throw err; // already gone: done
        }
      }
      return ids;
    },
  };
}
