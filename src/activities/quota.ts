/**
 * The seed's first caution: a region holds a limited number of custom images (DescribeImageQuota, 10 by
 * default). A full quota, or the name already taken by an image this run did not make, ends the run
 * before anything is changed.
 */
import { ApplicationFailure } from '@temporalio/common';
import { duplicateName, listPrivateImages, madeBy } from './image';
import type { ActivityRuntime } from './runtime';
import { NON_RETRYABLE, type QuotaReport } from '../contract';
import { pipelineRef } from './waiting';

/** Tencent's documented default when DescribeImageQuota answers nothing. */
export const DEFAULT_IMAGE_QUOTA = 10;

export function quotaActivities(rt: ActivityRuntime) {
  // Checks of one region running at the same moment share one DescribeImageQuota and one listing (they would
  // read the same answer): a fleet's burst of N checks then costs a few calls, not N × (1 + pages).
  const shared: ActivityRuntime = { ...rt, api: rt.api.shared() };
  const readRegion = singleFlight(async (region: string) => {
    const quotaRes = await shared.api.cvm(region, 'DescribeImageQuota', (c) => c.DescribeImageQuota());
    return { quota: quotaRes.ImageNumQuota ?? DEFAULT_IMAGE_QUOTA, images: await listPrivateImages(shared, region) };
  });
  return {
    async checkImageQuota({ region, imageName }: { region: string; imageName: string }): Promise<QuotaReport> {
      const ref = pipelineRef();
      const { quota, images } = await readRegion(region);
      const own = images.find((i) => madeBy(i, ref));
      const sameName = images.filter((i) => i.ImageName === imageName && !madeBy(i, ref));
      if (sameName.length) throw duplicateName(imageName, sameName, ref);
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

/** Callers with the same key while a call is in flight get that call's answer; the next caller starts anew. */
export function singleFlight<T>(fn: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const inFlight = new Map<string, Promise<T>>();
  return (key) => {
    let p = inFlight.get(key);
    if (!p) {
      p = fn(key).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
    }
    return p;
  };
}
