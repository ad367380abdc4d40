/**
 * The seed's first caution: a region holds a limited number of custom images (DescribeImageQuota, 10 by
 * default). A full quota, or the name already taken by an image this run did not make, ends the run
 * before anything is changed.
 */
import { ApplicationFailure } from '@temporalio/common';
import { duplicateName, listPrivateImages, madeBy } from './image-lookup';
import type { ActivityRuntime } from './runtime';
import { NON_RETRYABLE, type QuotaReport } from './types';
import { pipelineRef } from './waiting';

/** Tencent's documented default when DescribeImageQuota answers nothing. */
export const DEFAULT_IMAGE_QUOTA = 10;

export function quotaActivities(rt: ActivityRuntime) {
  return {
    async checkImageQuota({ region, imageName }: { region: string; imageName: string }): Promise<QuotaReport> {
      const ref = pipelineRef();
      const quotaRes = await rt.api.cvm(region, 'DescribeImageQuota', (c) => c.DescribeImageQuota());
      const quota = quotaRes.ImageNumQuota ?? DEFAULT_IMAGE_QUOTA;
      const images = await listPrivateImages(rt, region);
      const own = images.find((i) => madeBy(i, ref));
      const sameName = images.filter((i) => i.ImageName === imageName && !madeBy(i, ref));
      if (sameName.length) throw duplicateName(imageName, sameName);
      const occupants = images.map((i) => `${i.ImageId} (${i.ImageName}, ${i.ImageState})`);
      // An image this run already made holds its own slot: a retry must not refuse it.
      if (!own && images.length >= quota) {
        throw ApplicationFailure.nonRetryable(
          `image quota of region ${region} is full: ${images.length} of ${quota} custom images used by ` +
            `${occupants.join(', ')}; delete one, pass rotateWhenFull: { "keep": n } to delete this project's ` +
            `older images of the family first (see docs/lifecycle.md), or ask Tencent Cloud for a larger quota`,
          NON_RETRYABLE.imageQuotaExceeded,
          { region, quota, used: images.length, occupants },
        );
      }
      return { quota, used: images.length, occupants, existingImageId: own?.ImageId };
    },
  };
}
