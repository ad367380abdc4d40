/**
 * The estimate `cvm-image cost` prints: snapshot GB per image made by this project times a unit price.
 * Tencent bills snapshots by the data they hold; the Describe* APIs report the size of the disk each was
 * taken from, so this is an upper-bound estimate, never a bill.
 */
import type { InventoryImage, ImageCost, ImageInventoryResult } from '../contract';
import { newestFirst } from './rotation-plan';

const cents = (n: number) => Math.round(n * 100) / 100;

export function estimateSnapshotCost(
  region: string,
  images: InventoryImage[],
  price: { pricePerGbMonth: number; currency: string },
): ImageInventoryResult {
  const ours = images.filter((i) => i.madeBy);
  const costed: ImageCost[] = ours
    .map((i) => {
      const snapshotGb = i.snapshots.reduce((sum, s) => sum + s.sizeGb, 0);
      return {
        imageId: i.imageId,
        imageName: i.imageName,
        imageFamily: i.imageFamily,
        state: i.state,
        createdTime: i.createdTime,
        workflowId: i.madeBy!.workflowId,
        shared: i.sharedWith.length > 0,
        snapshots: i.snapshots,
        snapshotGb,
        estimatedMonthlyCost: cents(snapshotGb * price.pricePerGbMonth),
      };
    })
    .sort(newestFirst);
  const totalSnapshotGb = costed.reduce((sum, i) => sum + i.snapshotGb, 0);
  return {
    region,
    images: costed,
    totalSnapshotGb,
    estimatedMonthlyCost: cents(totalSnapshotGb * price.pricePerGbMonth),
    pricePerGbMonth: price.pricePerGbMonth,
    currency: price.currency,
    otherImages: images.length - ours.length,
    note:
      `estimate: snapshot GB (size of the source disks, an upper bound) × ${price.pricePerGbMonth} ` +
      `${price.currency} per GB and month; Tencent bills the data actually stored, see your price list`,
  };
}
