/**
 * What the workflow and the activities exchange: plain JSON shapes (arguments and results of activities).
 * Failure type names live in failures.ts, tag keys in tags.ts.
 */

/** The workflow execution an activity serves (read from its context): what its resources are tagged with. */
export interface PipelineRef {
  workflowId: string;
  runId: string;
}

export interface DataDiskFacts {
  diskId: string;
  sizeGb: number;
  diskType?: string;
}

export interface InstanceFacts {
  instanceId: string;
  region: string;
  zone: string;
  instanceType: string;
  state: string;
  createdTime: string;
  imageId: string;
  /** PUBLIC_IMAGE, PRIVATE_IMAGE, SHARED_IMAGE, or UNKNOWN when the source image no longer exists. */
  sourceImageType: string;
  osName: string;
  platform: 'LINUX' | 'WINDOWS';
  dataDisks: DataDiskFacts[];
  systemDiskSizeGb?: number;
}

export interface QuotaReport {
  quota: number;
  used: number;
  /** The private images occupying the quota: `img-… (name)`. */
  occupants: string[];
  /** An image this run already made (adopted on a retry), if any. */
  existingImageId?: string;
}

export interface CreateImageArgs {
  region: string;
  instanceId: string;
  imageName: string;
  imageDescription?: string;
  imageFamily?: string;
  tags: Record<string, string>;
  dataDiskIds?: string[];
  dryRun?: boolean;
  /** Only with dryRun: validate as if the instance were shut down first (as the real run would). */
  forcePoweroff?: boolean;
}

/** CreateImage's answer: the image (made now or adopted), or Tencent's acceptance of a dry run. */
export type CreateImageOutcome = ImageMade | DryRunAccepted;

export interface ImageMade {
  imageId: string;
  /** True when an image from an earlier attempt was found and adopted instead of creating one. */
  adopted: boolean;
  dryRun?: false;
}

/** `dryRun: true`: Tencent would accept the request (DryRunOperation); nothing was made. */
export interface DryRunAccepted {
  dryRun: true;
  adopted: false;
}

export interface ImageFacts {
  imageId: string;
  state: string;
  snapshotIds: string[];
  /** GB of the snapshots bound to the image (the size of their disks). */
  snapshotGb?: number;
}

export interface SnapshotArgs {
  region: string;
  diskId: string;
  snapshotName: string;
  tags: Record<string, string>;
}

export interface SnapshotFacts {
  snapshotId: string;
  diskId: string;
  sizeGb: number;
  state: string;
  percent: number;
}

export interface LaunchArgs {
  region: string;
  imageId: string;
  zone: string;
  instanceType: string;
  count: number;
  dataDisks: { snapshotId: string; sizeGb: number; diskType?: string }[];
  tags: Record<string, string>;
}

export interface FstabLine {
  /** 1-based line number in /etc/fstab. */
  line: number;
  /** Device, mount point and option names (values hidden: options may carry credentials), never the line. */
  text: string;
  /** Why the line counts as a data-disk line (e.g. "UUID on vdb", "unresolved device"). */
  reason: string;
}

export interface FstabScan {
  dataLines: FstabLine[];
  /** Lines kept because they belong to the system disk, swap on it, or a pseudo filesystem. */
  keptLines: number;
  /** True when this run's edit is in place (the fix was already applied). */
  fixed: boolean;
  /** How many data-disk lines there are; `dataLines` lists at most the first 40 (bounded guest output). */
  dataLineCount?: number;
}

/** Heartbeat details a waiting activity records, so a retry on another worker resumes knowingly. */
export interface WaitDetails {
  ids: string[];
  states: Record<string, string>;
  percent?: number;
  firstMissingAt?: Record<string, number>;
}
