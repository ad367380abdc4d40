/**
 * Which images a rotation keeps, deletes and spares: a pure function of the inventory and the running
 * pipelines, so a dry run and the real run decide alike and the rule is unit-tested on its own.
 *
 * - Only images this project made are ever deleted (their pipeline tags say so); others are spared.
 * - Shared images, images a running pipeline works on, and images still being created or copied are
 *   spared and do not count towards `keep`.
 * - In each group (image family; the `groupByTag` tag's value; or, without a family, the pipeline that
 *   made them, i.e. one source instance) the newest `keep` NORMAL images are kept; older ones and
 *   failed images (CREATEFAILED…) are deleted.
 */
import type { ImageUse, InventoryImage, RotateImagesInput, RotationEntry } from '../contract';

const IN_TRANSITION = new Set(['CREATING', 'SYNCING', 'IMPORTING']);

function groupOf(image: InventoryImage, opts: Pick<RotateImagesInput, 'groupByTag'>): string | undefined {
  if (opts.groupByTag) {
    const value = image.tags[opts.groupByTag];
    return value === undefined ? undefined : `tag:${opts.groupByTag}=${value}`;
  }
  if (image.imageFamily) return `family:${image.imageFamily}`;
  return `pipeline:${image.madeBy!.workflowId}`;
}

/** Newest first; equal creation times in a stable order. */
export function newestFirst<T extends { createdTime: string; imageId: string }>(a: T, b: T): number {
  return b.createdTime.localeCompare(a.createdTime) || a.imageId.localeCompare(b.imageId);
}

function useOf(image: InventoryImage, uses: ImageUse[]): ImageUse | undefined {
  return uses.find((u) => u.imageId === image.imageId || (image.madeBy?.runId && u.runId === image.madeBy.runId));
}

export function planRotation(
  images: InventoryImage[],
  uses: ImageUse[],
  opts: Pick<RotateImagesInput, 'keep' | 'imageFamily' | 'groupByTag' | 'madeByWorkflowId'>,
): RotationEntry[] {
  const entries: RotationEntry[] = [];
  const rotatable = new Map<string, InventoryImage[]>();
  const entry = (i: InventoryImage, action: RotationEntry['action'], reason: string, group?: string) =>
    entries.push({ imageId: i.imageId, imageName: i.imageName, group, createdTime: i.createdTime, action, reason });

  for (const image of images) {
    if (opts.imageFamily && image.imageFamily !== opts.imageFamily) continue;
    // Strictly scoped: another pipeline's images are not even listed.
    if (opts.madeByWorkflowId && image.madeBy?.workflowId !== opts.madeByWorkflowId) continue;
    if (image.imageType !== 'PRIVATE_IMAGE') continue;
    if (!image.madeBy) {
      entry(image, 'spare', 'not made by cvm-image-pipeline');
      continue;
    }
    const group = groupOf(image, opts);
    const use = useOf(image, uses);
    if (!group) entry(image, 'spare', `no "${opts.groupByTag}" tag`);
    else if (image.sharedWith.length) entry(image, 'spare', `shared with ${image.sharedWith.length} account(s)`, group);
    else if (use) entry(image, 'spare', `in use by running pipeline ${use.workflowId}`, group);
    else if (IN_TRANSITION.has(image.state)) entry(image, 'spare', `${image.state}`, group);
    else if (image.state !== 'NORMAL') entry(image, 'delete', `${image.state}: not usable`, group);
    else rotatable.set(group, [...(rotatable.get(group) ?? []), image]);
  }
  for (const [group, list] of rotatable) {
    list.sort(newestFirst).forEach((image, n) => {
      if (n < opts.keep) entry(image, 'keep', `newest #${n + 1} of ${group}`, group);
      else entry(image, 'delete', `older than the newest ${opts.keep} of ${group}`, group);
    });
  }
  return entries.sort(newestFirst);
}
