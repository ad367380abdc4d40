/**
 * The emulator's persisted state. Every asynchronous change is stored as data (`pending`), and applied
 * lazily when the clock passes `at` — so a restart from the state file resumes exactly where it was.
 */
import type { PersistedFaults } from '../core/faults';
export interface Pending<S extends string = string> {
  to: S;
  at: number; // epoch ms
  from: number; // epoch ms when the transition began (for Percent)
}

export type InstanceState =
  | 'PENDING'
  | 'LAUNCH_FAILED'
  | 'RUNNING'
  | 'STOPPED'
  | 'STARTING'
  | 'STOPPING'
  | 'REBOOTING'
  | 'SHUTDOWN'
  | 'TERMINATING';

export interface InstanceRecord {
  id: string;
  region: string;
  zone: string;
  instanceType: string;
  instanceName: string;
  state: InstanceState;
  pending?: Pending<InstanceState | 'TERMINATED'>;
  createdTime: string; // ISO
  imageId: string;
  sourceImageType: 'PUBLIC_IMAGE' | 'PRIVATE_IMAGE';
  osName: string;
  systemDiskId: string;
  dataDiskIds: string[];
  agentOnline: boolean;
  /** Set at launch when /etc/fstab names a disk this instance lacks: it never finishes booting. */
  stuckAtBoot?: string;
  latestOperation?: string;
  latestOperationState?: 'SUCCESS' | 'OPERATING' | 'FAILED';
  latestOperationRequestId?: string;
  /** Image whose creation holds the instance (operations are refused meanwhile). */
  lockedByImage?: string;
  stoppedMode?: string;
  tags: { Key: string; Value: string }[];
}

export type DiskState = 'UNATTACHED' | 'ATTACHING' | 'ATTACHED' | 'DETACHING' | 'EXPANDING' | 'ROLLBACKING';

export interface DiskRecord {
  id: string;
  region: string;
  zone: string;
  usage: 'SYSTEM_DISK' | 'DATA_DISK';
  sizeGb: number;
  diskType: string;
  diskName: string;
  state: DiskState;
  pending?: Pending<DiskState>;
  /** Creation still running (CreateDisks): `DiskState` UNATTACHED but not yet usable. */
  creating?: Pending<'DONE'>;
  instanceId?: string;
  device?: string;
  fsUuid: string;
  fsLabel: string;
  snapshotId?: string;
  createdTime: string;
  deleteWithInstance: boolean;
  tags?: { Key: string; Value: string }[];
}

export type SnapshotState = 'CREATING' | 'NORMAL' | 'CREATEFAILED' | 'ROLLBACKING' | 'COPYING_FROM_REMOTE';

export interface SnapshotRecord {
  id: string;
  region: string;
  name: string;
  diskId: string;
  diskUsage: 'SYSTEM_DISK' | 'DATA_DISK';
  sizeGb: number;
  state: SnapshotState;
  pending?: Pending<SnapshotState>;
  createdTime: string;
  imageIds: string[];
  fsUuid: string;
  fsLabel: string;
  tags?: { Key: string; Value: string }[];
}

export type ImageState = 'CREATING' | 'NORMAL' | 'CREATEFAILED' | 'SYNCING' | 'USING';

export interface ImageRecord {
  id: string;
  region: string;
  name: string;
  description: string;
  state: ImageState;
  pending?: Pending<ImageState>;
  createdTime: string;
  imageType: 'PRIVATE_IMAGE' | 'PUBLIC_IMAGE' | 'SHARED_IMAGE';
  imageSource: 'CREATE_IMAGE' | 'OFFICIAL' | 'SYNC_IMAGE';
  osName: string;
  platform: string;
  architecture: string;
  sizeGb: number;
  instanceId?: string;
  snapshotIds: string[];
  tags: { Key: string; Value: string }[];
  family?: string;
  sharedWith: { accountId: string; createdTime: string }[];
  /** Where the image's captured guest files live (relative to the data dir). */
  filesDir?: string;
  /** For synced copies: the image they copy. */
  sourceImageId?: string;
}

export type TaskStatus = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'TIMEOUT' | 'TASK_TIMEOUT' | 'CANCELLED';

export interface TaskRecord {
  id: string;
  invocationId: string;
  instanceId: string;
  region: string;
  status: TaskStatus;
  exitCode?: number;
  output: string; // base64
  /** Set once a DescribeInvocationTasks has shown the task RUNNING (see tat/commands.ts). */
  observedRunning?: boolean;
  /** Output bytes beyond TAT's 24 KB that were dropped. */
  dropped?: number;
  created: string;
  start?: string;
  end?: string;
  errorInfo?: string;
  /** The process group the command runs in (its guard's pid), while it runs. */
  pgid?: number;
  /** Lost with an earlier emulator process: still RUNNING, it ends TASK_TIMEOUT at this epoch-ms deadline. */
  lostUntil?: number;
}

export interface InvocationRecord {
  id: string;
  region: string;
  commandId: string;
  commandType: string;
  content: string; // base64 as received
  timeoutSec: number;
  workingDirectory?: string;
  instanceIds: string[];
  taskIds: string[];
  created: string;
}

export interface SettledEvent {
  kind: 'instance' | 'image' | 'snapshot' | 'disk' | 'task';
  id: string;
  state: string;
  at: number;
}

export interface EmulatorState {
  version: 1;
  instances: Record<string, InstanceRecord>;
  disks: Record<string, DiskRecord>;
  snapshots: Record<string, SnapshotRecord>;
  images: Record<string, ImageRecord>;
  invocations: Record<string, InvocationRecord>;
  tasks: Record<string, TaskRecord>;
  /** Replays of idempotent calls: `${action}/${region}/${clientToken}` → the original answer. */
  clientTokens: Record<string, unknown>;
  settled: SettledEvent[];
  /** Fault rules (core/faults.ts), kept so they outlive a restart. */
  faults?: PersistedFaults;
  config: {
    imageQuota: Record<string, number>;
    defaultImageQuota: number;
    /**
     * Which RUNNING instances CreateImage images without ForcePoweroff. Default `public-since-2018-07`:
     * the rule of our seed document ("created from a public image after July 2018"), which Tencent's API
     * reference does not state; `never` plays a cloud that refuses online imaging, `always` one that allows it.
     */
    onlineImaging?: OnlineImaging;
    /** Describe* lag for new resources, ms (core/consistency.ts); 0/absent = off. */
    visibilityLagMs?: number;
    /** How long a deleted image or snapshot is still listed, ms (core/consistency.ts); 0/absent = off. */
    deletionLagMs?: number;
  };
  /** Deleted images and snapshots still listed during the deletion lag (core/consistency.ts). */
  ghosts?: {
    images: Record<string, { rec: ImageRecord; until: number }>;
    snapshots: Record<string, { rec: SnapshotRecord; until: number }>;
  };
}

export type OnlineImaging = 'public-since-2018-07' | 'never' | 'always';

export function emptyState(): EmulatorState {
  return {
    version: 1,
    instances: {},
    disks: {},
    snapshots: {},
    images: {},
    invocations: {},
    tasks: {},
    clientTokens: {},
    settled: [],
    config: { imageQuota: {}, defaultImageQuota: 10 },
  };
}
