/**
 * The lifecycle workflows' contracts: deleteCustomImage, rotateImages, imageInventory and
 * refreshCustomImage. Plain JSON a person can type on the Temporal CLI; the client and CLI use these names.
 */
import type { BakeImageResult, Recipe } from './recipe';
import type { ImageSnapshot } from './lifecycle-activities';
import type { CreateCustomImageInput, CreateCustomImageResult } from './pipeline';

export interface DeleteCustomImageInput {
  region: string;
  imageId: string;
  /** Also delete an image this project did not make, one a running pipeline uses, or a shared one (unshared first). */
  force?: boolean;
}

export interface DeleteCustomImageResult {
  imageId: string;
  /** The image did not exist (any more): nothing was done. */
  alreadyGone: boolean;
  /** Accounts the image was unshared from first (force only). */
  unsharedFrom: string[];
  /** Every snapshot that went with the image: bound ones (DeleteBindedSnap) and the run's data-disk ones. */
  deletedSnapshotIds: string[];
  /** Snapshots left because another image is bound to them (deleting them would delete that image). */
  keptSnapshots: { snapshotId: string; imageIds: string[] }[];
  /** The GB of snapshots that no longer cost anything. */
  freedSnapshotGb: number;
  /** Copies of the image in other regions that its run made (copyToRegions), deleted with it (#13 item 11). */
  deletedCopies?: { region: string; imageId: string }[];
}

export interface RotateImagesInput {
  region: string;
  /** How many of the newest images to keep per group (≥ 1). */
  keep: number;
  /** Only this image family (a group of its own); otherwise every family, and per pipeline without one. */
  imageFamily?: string;
  /** Group by the value of this user tag instead (images without the tag are left alone). */
  groupByTag?: string;
  /**
   * Only images made by this pipeline (workflow id): what rotateWhenFull without a family passes, so a
   * pipeline never rotates other pipelines' images (#13 item 6).
   */
  madeByWorkflowId?: string;
  /** List what would be deleted; change nothing. */
  dryRun?: boolean;
}

export type RotationAction = 'keep' | 'delete' | 'spare';

export interface RotationEntry {
  imageId: string;
  imageName: string;
  /** e.g. "family:web", "tag:app=shop", "pipeline:cvm-image/ap-guangzhou/ins-…"; absent for spared images outside a group. */
  group?: string;
  createdTime: string;
  action: RotationAction;
  reason: string;
}

export interface RotateImagesResult {
  region: string;
  keep: number;
  dryRun: boolean;
  /** Every custom image in scope (the family, when given), newest first, with what happens to it. */
  entries: RotationEntry[];
  /** Deleted by this run (dry run: would be deleted). */
  deleted: string[];
  /** Deletions that did not happen, with why (refused at delete time, or failed). */
  notDeleted: { imageId: string; reason: string }[];
}

export interface ImageInventoryInput {
  region: string;
  /** Estimated snapshot price per GB and month (default DEFAULT_SNAPSHOT_PRICE). */
  pricePerGbMonth?: number;
  /** Currency label of the price (default DEFAULT_SNAPSHOT_CURRENCY). */
  currency?: string;
}

export interface ImageCost {
  imageId: string;
  imageName: string;
  imageFamily?: string;
  state: string;
  createdTime: string;
  /** The pipeline run's workflow id. */
  workflowId: string;
  shared: boolean;
  snapshots: ImageSnapshot[];
  snapshotGb: number;
  estimatedMonthlyCost: number;
}

export interface ImageInventoryResult {
  region: string;
  /** Images made by this project, newest first. */
  images: ImageCost[];
  totalSnapshotGb: number;
  estimatedMonthlyCost: number;
  pricePerGbMonth: number;
  currency: string;
  /** Custom images of the region this project did not make (not costed). */
  otherImages: number;
  /** What the estimate is, in words. */
  note: string;
}

export interface RefreshCustomImageInput {
  /** The createCustomImage input; its imageName is a prefix, each run appends "-YYYYMMDD-HHMMSS" (UTC). */
  pipeline: CreateCustomImageInput;
}

/** A nightly rebuild from scratch: bakeImage from this recipe, its image.name a prefix like `pipeline.imageName`. */
export interface RefreshFromRecipeInput {
  recipe: Recipe;
}

export interface RefreshCustomImageResult {
  imageName: string;
  workflowId: string;
  result: CreateCustomImageResult;
  /** From a recipe: the bake's result (its `image` is `result`). */
  bake?: BakeImageResult;
}

/** Default snapshot price for the estimate: CNY per GB and month (an assumption; set yours). */
export const DEFAULT_SNAPSHOT_PRICE = 0.12;
export const DEFAULT_SNAPSHOT_CURRENCY = 'CNY';

/** Length of the suffix refreshCustomImage appends: "-20260101-120000". */
export const REFRESH_SUFFIX_LENGTH = 16;

/** The suffix of a refreshed image's name: "-20260101-120000" for 2026-01-01T12:00:00Z. */
export function refreshSuffix(at: Date): string {
  const iso = at.toISOString(); // 2026-01-01T12:00:00.000Z
  return `-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}
