/**
 * What the workflow and the activities exchange: plain JSON shapes and the failure type names. The
 * workflow may import this file (types and constants only, no SDK), nothing else under activities/.
 */

/** Failure types the activities throw as non-retryable `ApplicationFailure`s. */
export const NON_RETRYABLE = {
  /** Credentials refused (AuthFailure.*). Retrying only makes a retry storm. */
  auth: 'TencentAuthFailure',
  /** The request itself is wrong (InvalidParameter*, MissingParameter, UnsupportedRegion…). */
  invalidRequest: 'TencentInvalidRequest',
  /** The resource does not exist outside any eventual-consistency window. */
  notFound: 'TencentResourceNotFound',
  /** Refused for the resource's state in a way waiting will not fix. */
  unsupported: 'TencentUnsupportedOperation',
  imageQuotaExceeded: 'ImageQuotaExceeded',
  duplicateImageName: 'DuplicateImageName',
  imageCreateFailed: 'ImageCreateFailed',
  snapshotCreateFailed: 'SnapshotCreateFailed',
  launchFailed: 'LaunchFailed',
  launchVerificationFailed: 'LaunchVerificationFailed',
  guestAgentOffline: 'GuestAgentOffline',
  guestCommandFailed: 'GuestCommandFailed',
  fstabDataDiskLines: 'FstabDataDiskLines',
  instanceUnsuitable: 'InstanceUnsuitable',
} as const;

/** Failure types raised by the workflow itself. */
export const WORKFLOW_FAILURES = {
  invalidInput: 'InvalidPipelineInput',
  shutdownRejected: 'ShutdownRejected',
  approvalTimedOut: 'ApprovalTimedOut',
  compensationIncomplete: 'CompensationIncomplete',
} as const;

/** Retryable failure type: throttling, busy resources, network, 5xx, eventual consistency. */
export const RETRYABLE_TENCENT_ERROR = 'TencentTransientError';

export const NON_RETRYABLE_ERROR_TYPES: string[] = Object.values(NON_RETRYABLE);

/** Tags every resource a pipeline creates carries, so a retry can find what an earlier attempt made. */
export const TAG_WORKFLOW_ID = 'cvm-image-pipeline:workflow-id';
export const TAG_RUN_ID = 'cvm-image-pipeline:run-id';

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

export interface CreateImageOutcome {
  imageId?: string;
  /** True when an image from an earlier attempt was found and adopted instead of creating one. */
  adopted: boolean;
  dryRun?: boolean;
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

/** Signal the snapshot waiter sends to the workflow so `progress` shows the percent. */
export const WAIT_PROGRESS_SIGNAL = 'cvmImageWaitProgress';
export interface WaitProgress {
  kind: 'snapshot' | 'image' | 'instance';
  percent: number;
}
