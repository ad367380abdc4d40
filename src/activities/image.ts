/**
 * The custom image, the one module that sends CVM's image actions (CreateImage, DescribeImages,
 * DeleteImages): create it idempotently (found again by run tag, then by exact name: CreateImage has no
 * ClientToken), wait for it to become NORMAL, and delete it with its bound snapshots. Copies, sharing and
 * the lifecycle use the helpers exported here.
 */
import { ApplicationFailure } from '@temporalio/common';
import type {
  DescribeImagesRequest,
  DescribeImagesResponse,
  Image,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import { hasTag, tagList, type ActivityRuntime } from './runtime';
import { codeOf, type TencentApi } from './tencent-api';
import {
  NON_RETRYABLE,
  RETRYABLE_TENCENT_ERROR,
  TAG_RUN_ID,
  TAG_WORKFLOW_ID,
  type PipelineRef,
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

/**
 * The image states that end on their own (cvm_models.d.ts `Image.ImageState`: CREATING, SYNCING, IMPORTING;
 * the others are NORMAL and the failed ones). Tencent refuses to delete an image in them, so deletion waits.
 */
export const IMAGE_IN_PROGRESS: ReadonlySet<string> = new Set(['CREATING', 'SYNCING', 'IMPORTING']);

export function describeImages(
  api: TencentApi,
  region: string,
  request: DescribeImagesRequest,
  signal?: AbortSignal,
): Promise<DescribeImagesResponse> {
  return api.cvm(region, 'DescribeImages', (c) => c.DescribeImages(request), signal);
}

/**
 * DeleteImages with DeleteBindedSnap (the seed: an image goes before its snapshots), once the image is no
 * longer in progress. False when it was already gone. Every image deletion (undo, copies, lifecycle) is this.
 */
export async function deleteImageWithBoundSnapshots(
  rt: ActivityRuntime,
  region: string,
  imageId: string,
): Promise<boolean> {
  const [present] = await waitForAll<Image, boolean>({
    poller: rt.pollers.images(region),
    ids: [imageId],
    stateOf: (r) => r?.ImageState ?? 'gone',
    decide: (_id, r) => (r && IMAGE_IN_PROGRESS.has(r.ImageState ?? '') ? { wait: true } : { done: Boolean(r) }),
  });
  if (!present) return false;
  try {
    await rt.api.cvm(region, 'DeleteImages', (c) => c.DeleteImages({ ImageIds: [imageId], DeleteBindedSnap: true }));
  } catch (err) {
    if (codeOf(err) === 'InvalidImageId.NotFound') return false; // an earlier attempt deleted it
    throw err;
  }
  return true;
}

const PAGE = 100;

export async function listPrivateImages(rt: ActivityRuntime, region: string): Promise<Image[]> {
  const out: Image[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const res = await describeImages(rt.api, region, {
      Filters: [{ Name: 'image-type', Values: ['PRIVATE_IMAGE'] }],
      Limit: PAGE,
      Offset: offset,
    });
    const page = res.ImageSet ?? [];
    out.push(...page);
    if (page.length < PAGE || out.length >= (res.TotalCount ?? 0)) return out;
  }
}

async function byFilter(rt: ActivityRuntime, region: string, name: string, value: string): Promise<Image[]> {
  const res = await describeImages(rt.api, region, { Filters: [{ Name: name, Values: [value] }], Limit: PAGE });
  return res.ImageSet ?? [];
}

export const madeBy = (image: Image, ref: PipelineRef): boolean => hasTag(image.Tags, TAG_RUN_ID, ref.runId);

/**
 * The image this run made, if any: by its run tag, then by exact name (the tag index may lag). An image
 * with the name that this run did not make is a duplicate name: nothing to adopt, nothing to create.
 */
export async function findOwnImage(
  rt: ActivityRuntime,
  region: string,
  imageName: string,
  ref: PipelineRef,
): Promise<Image | undefined> {
  const tagged = (await byFilter(rt, region, `tag:${TAG_RUN_ID}`, ref.runId)).filter((i) => madeBy(i, ref));
  if (tagged.length) return tagged[0];
  const named = (await byFilter(rt, region, 'image-name', imageName)).filter((i) => i.ImageName === imageName);
  const own = named.find((i) => madeBy(i, ref));
  if (own) return own;
  if (named.length) throw duplicateName(imageName, named, ref);
  return undefined;
}

const tagValue = (image: Image, key: string) => image.Tags?.find((t) => t.Key === key)?.Value;

/** Who made an image with the wanted name, from our tags: an earlier run of this workflow id is named as such. */
function provenance(image: Image, ref: PipelineRef): string {
  const workflowId = tagValue(image, TAG_WORKFLOW_ID);
  const runId = tagValue(image, TAG_RUN_ID);
  if (workflowId === ref.workflowId) return `${image.ImageId}, made by an earlier run (${runId}) of this workflow id`;
  if (workflowId) return `${image.ImageId}, made by pipeline ${workflowId} (run ${runId})`;
  return `${image.ImageId}, not made by this pipeline`;
}

export function duplicateName(imageName: string, images: Image[], ref: PipelineRef): ApplicationFailure {
  const which = images.map((i) => provenance(i, ref)).join('; ');
  return ApplicationFailure.nonRetryable(
    `imageName: an image named "${imageName}" already exists in this region (${which}); it is kept as it is: ` +
      `choose another imageName, or delete that image first (cvm-image delete <imageId>)`,
    NON_RETRYABLE.duplicateImageName,
    { imageName, imageIds: images.map((i) => i.ImageId) },
  );
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
      // lookups (a foreign image with the name still surfaces as InvalidImageName.Duplicate below), and so does
      // a retry whose earlier attempts all gave up in this worker's rate-limit queue before sending anything.
      if (!rt.api.nothingSentBefore()) {
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
     * requires an image to go before its snapshots), waiting while it is still being created.
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
        const res = await describeImages(rt.api, args.region, { ImageIds: [args.imageId] });
        // createImage returned this id to this run, so it is ours even if its tags were lost.
        const found = res.ImageSet?.find((i) => i.ImageId === args.imageId);
        if (found) targets.set(args.imageId, found);
      }
      const ids = [...targets.keys()];
      for (const id of ids) await deleteImageWithBoundSnapshots(rt, args.region, id);
      return ids;
    },
  };
}
