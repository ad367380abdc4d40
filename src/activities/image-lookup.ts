/**
 * Finding images: the region's private images (quota), and the image this run made, by tag and then by
 * exact name. CreateImage has no ClientToken, so this lookup is what makes creating an image idempotent.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Image } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import { hasTag, type ActivityRuntime } from './runtime';
import { NON_RETRYABLE, TAG_RUN_ID, TAG_WORKFLOW_ID, type PipelineRef } from '../contract';

const PAGE = 100;

export async function listPrivateImages(rt: ActivityRuntime, region: string): Promise<Image[]> {
  const out: Image[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const res = await rt.api.cvm(region, 'DescribeImages', (c) =>
      c.DescribeImages({ Filters: [{ Name: 'image-type', Values: ['PRIVATE_IMAGE'] }], Limit: PAGE, Offset: offset }),
    );
    const page = res.ImageSet ?? [];
    out.push(...page);
    if (page.length < PAGE || out.length >= (res.TotalCount ?? 0)) return out;
  }
}

async function byFilter(rt: ActivityRuntime, region: string, name: string, value: string): Promise<Image[]> {
  const res = await rt.api.cvm(region, 'DescribeImages', (c) =>
    c.DescribeImages({ Filters: [{ Name: name, Values: [value] }], Limit: PAGE }),
  );
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
