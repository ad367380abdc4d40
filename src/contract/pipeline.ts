/**
 * The `createCustomImage` contract: plain JSON a person can type on the Temporal CLI. The Temporal CLI,
 * the client library, the `cvm-image` command and other services depend on these names.
 */

export type ShutdownMode = 'auto' | 'always' | 'never';
/** snapshot: the seed's best practice (data disks travel as snapshots); include: whole-machine image. */
export type DataDiskMode = 'snapshot' | 'include' | 'exclude';
export type FstabMode = 'fix' | 'check' | 'ignore';

export interface ApprovalOptions {
  required: boolean;
  /** Duration string such as "1h" or "30m". */
  timeout?: string;
}

export interface LaunchOptions {
  count: number;
  instanceType?: string;
  zone?: string;
  /** Keep the launched instances; otherwise they are terminated once verified. */
  keep?: boolean;
}

export interface PipelineTimeouts {
  /** Upper bound for CreateImage → NORMAL, e.g. "2h". */
  image?: string;
  snapshot?: string;
  instance?: string;
  /** Upper bound for a launched instance's TAT agent to come online (boot check), e.g. "10m". */
  agent?: string;
}

export interface CreateCustomImageInput {
  region: string;
  instanceId: string;
  imageName: string;
  imageDescription?: string;
  imageFamily?: string;
  tags?: Record<string, string>;
  shutdown?: ShutdownMode;
  dataDisks?: DataDiskMode;
  fstab?: FstabMode;
  approval?: ApprovalOptions;
  launch?: LaunchOptions;
  timeouts?: PipelineTimeouts;
  dryRun?: boolean;
  /** A full image quota first runs rotateImages (keep the newest `keep` of the family) instead of failing. */
  rotateWhenFull?: { keep: number };
  /** Copy the image to these regions (SyncImages) and wait for each copy to be NORMAL. */
  copyToRegions?: string[];
  /** Share the image with these Tencent Cloud account ids. */
  shareWith?: string[];
}

export type StageName =
  | 'validating'
  | 'inspecting'
  | 'checking-quota'
  | 'rotating'
  | 'preparing-fstab'
  | 'awaiting-approval'
  | 'stopping'
  | 'creating-image'
  | 'waiting-for-image'
  | 'restoring-fstab'
  | 'starting'
  | 'restoring-instance'
  | 'snapshotting-data-disks'
  | 'copying-image'
  | 'sharing-image'
  | 'launching'
  | 'verifying-launch'
  | 'cleaning-up-launch'
  | 'compensating'
  | 'completed'
  | 'failed'
  | 'cancelled';

export interface StageRecord {
  name: StageName;
  /** ISO-8601 timestamps. */
  start: string;
  end?: string;
}

export interface CreateCustomImageResult {
  imageId?: string;
  snapshotIds: string[];
  launchedInstanceIds: string[];
  shutdownPerformed: boolean;
  /**
   * How the data-disk snapshots (and the image) were taken: with the instance STOPPED (consistent), or
   * online after a guest `sync` (crash-consistent: like a power cut at that moment). Absent on runs with no
   * data-disk snapshots and on runs recorded before #13 item 3.
   */
  dataDiskConsistency?: 'stopped' | 'crash-consistent';
  stages: StageRecord[];
  warnings: string[];
  dryRun?: boolean;
  /** GB of the snapshots this run created: bound to the image, and of the data disks (their disk sizes). */
  snapshotGb?: number;
  /** Images deleted by rotateWhenFull to make room. */
  rotatedImageIds?: string[];
  /** copyToRegions: the copy in each region. */
  copies?: { region: string; imageId: string }[];
  /** shareWith: the accounts the image is shared with. */
  sharedWith?: string[];
}

export interface PipelineProgress {
  stage: StageName;
  /** Whole-pipeline completion estimate, 0–100. */
  percent?: number;
  /** Completion of the current stage when Tencent reports one (snapshot Percent), 0–100. */
  stagePercent?: number;
  imageId?: string;
  snapshotIds: string[];
  launchedInstanceIds: string[];
  /** What the run is waiting on right now, in words, e.g. "image img-123 to become NORMAL". */
  waitingFor?: string;
  /** The stage a failed or cancelled run was in. */
  failedStage?: StageName;
  /** What compensation undid, e.g. "delete image (with its bound snapshots) img-1"; empty: nothing to undo. */
  undone?: string[];
  startedAt: string;
  updatedAt: string;
}
