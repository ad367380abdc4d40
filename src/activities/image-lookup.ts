/**
 * Finding images: the region's private images (quota), and the image this run made, by tag and then by
 * exact name. CreateImage has no ClientToken, so this lookup is what makes creating an image idempotent.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Image } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import { hasTag, type ActivityRuntime } from './runtime';
import { NON_RETRYABLE, TAG_RUN_ID, type PipelineRef } from './types';

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
  if (named.length) throw duplicateName(imageName, named);
  return undefined;
}

export function duplicateName(imageName: string, images: Image[]): ApplicationFailure {
  const ids = images.map((i) => i.ImageId).join(', ');
  return ApplicationFailure.nonRetryable(
    `imageName: an image named "${imageName}" already exists in this region (${ids}) and was not made by this pipeline`,
    NON_RETRYABLE.duplicateImageName,
    { imageName, imageIds: images.map((i) => i.ImageId) },
  );
}
