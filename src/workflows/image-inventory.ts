/**
 * `imageInventory`: the project's images in a region with their snapshot GB and an estimated monthly
 * cost. A workflow, so `cvm-image cost` never calls Tencent itself: the listing runs in the worker, which
 * holds the credentials, through the same activity and rate limiter as the rotation.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { calls, run } from './activity-proxies';
import { type ImageInventoryInput, type ImageInventoryResult, CvmRegion } from '../contract';
import { validateInventoryInput } from './lifecycle-validation';
import { estimateSnapshotCost } from './snapshot-cost';

export async function imageInventory(raw: ImageInventoryInput): Promise<ImageInventoryResult> {
  const input = validateInventoryInput(raw);
  upsertSearchAttributes([{ key: CvmRegion, value: input.region }]);
  const images = await run(calls.listImageInventory, `List custom images in ${input.region}`, [
    { region: input.region },
  ]);
  return estimateSnapshotCost(input.region, images, input);
}
