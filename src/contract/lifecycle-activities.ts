/**
 * What the lifecycle workflows (delete, rotate, inventory) and their activities exchange: plain JSON
 * shapes only. Like types.ts, the workflow may import this file (types, no SDK).
 */

/** A snapshot an image costs money for: bound to it, or a data-disk snapshot its pipeline run made. */
export interface ImageSnapshot {
  snapshotId: string;
  sizeGb: number;
  /** bound: made by CreateImage and bound to the image; data-disk: made by the same pipeline run. */
  kind: 'bound' | 'data-disk';
}

/** One custom image as lifecycle decisions need it. */
export interface InventoryImage {
  imageId: string;
  imageName: string;
  imageFamily?: string;
  /** PRIVATE_IMAGE for a custom image of this account. */
  imageType: string;
  state: string;
  /** ISO-8601, as Tencent reports it. */
  createdTime: string;
  /** The pipeline run that made it (its tags); absent for images this project did not make. */
  madeBy?: { workflowId: string; runId?: string };
  /** User tags (the project's own tags left out). */
  tags: Record<string, string>;
  /** Accounts the image is shared with (Tencent refuses to delete a shared image). */
  sharedWith: string[];
  snapshots: ImageSnapshot[];
}

/** A running createCustomImage pipeline and the image it works on (from Temporal visibility). */
export interface ImageUse {
  workflowId: string;
  runId: string;
  imageId?: string;
  stage?: string;
}

export interface LeftoverSnapshots {
  /** Deleted by this call (they were still there after the image went). */
  deleted: string[];
  /** Still bound to another image: deleting them would delete that image, so they stay. */
  keptBound: { snapshotId: string; imageIds: string[] }[];
}
