/** `cvm-image create` flags → the workflow's JSON input. Flags mirror the input field by field. */
import { InvalidArgumentError } from 'commander';
import {
  pipelineWorkflowId,
  type CreateCustomImageInput,
  type DataDiskMode,
  type FstabMode,
  type LaunchOptions,
  type PipelineTimeouts,
  type ShutdownMode,
} from '../contract';

export const SHUTDOWN_MODES: ShutdownMode[] = ['auto', 'always', 'never'];
export const DATA_DISK_MODES: DataDiskMode[] = ['snapshot', 'include', 'exclude'];
export const FSTAB_MODES: FstabMode[] = ['fix', 'check', 'ignore'];

export interface CreateFlags {
  region: string;
  instanceId: string;
  imageName: string;
  description?: string;
  family?: string;
  tag?: Record<string, string>;
  shutdown?: ShutdownMode;
  dataDisks?: DataDiskMode;
  fstab?: FstabMode;
  approval?: boolean;
  approvalTimeout?: string;
  launch?: number;
  launchInstanceType?: string;
  launchZone?: string;
  launchKeep?: boolean;
  imageTimeout?: string;
  snapshotTimeout?: string;
  instanceTimeout?: string;
  dryRun?: boolean;
  rotateWhenFull?: number;
  copyToRegion?: string[];
  shareWith?: string[];
}

/** commander argParser for repeatable flags collected into a list. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** commander argParser for repeatable `--tag key=value`. */
export function parseTag(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** commander argParser for counts. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${value}"`);
  return n;
}

/** Only what was given ends up in the input, so the workflow's defaults stay the single source of truth. */
export function inputFromFlags(flags: CreateFlags): CreateCustomImageInput {
  const input: CreateCustomImageInput = {
    region: flags.region,
    instanceId: flags.instanceId,
    imageName: flags.imageName,
  };
  if (flags.description !== undefined) input.imageDescription = flags.description;
  if (flags.family !== undefined) input.imageFamily = flags.family;
  if (flags.tag && Object.keys(flags.tag).length) input.tags = flags.tag;
  if (flags.shutdown) input.shutdown = flags.shutdown;
  if (flags.dataDisks) input.dataDisks = flags.dataDisks;
  if (flags.fstab) input.fstab = flags.fstab;
  if (flags.approval || flags.approvalTimeout) {
    input.approval = { required: true };
    if (flags.approvalTimeout) input.approval.timeout = flags.approvalTimeout;
  }
  if (flags.launch) {
    const launch: LaunchOptions = { count: flags.launch };
    if (flags.launchInstanceType) launch.instanceType = flags.launchInstanceType;
    if (flags.launchZone) launch.zone = flags.launchZone;
    if (flags.launchKeep) launch.keep = true;
    input.launch = launch;
  } else if (flags.launchInstanceType || flags.launchZone || flags.launchKeep) {
    throw new InvalidArgumentError('--launch-instance-type, --launch-zone and --launch-keep need --launch <count>');
  }
  const timeouts: PipelineTimeouts = {};
  if (flags.imageTimeout) timeouts.image = flags.imageTimeout;
  if (flags.snapshotTimeout) timeouts.snapshot = flags.snapshotTimeout;
  if (flags.instanceTimeout) timeouts.instance = flags.instanceTimeout;
  if (Object.keys(timeouts).length) input.timeouts = timeouts;
  if (flags.dryRun) input.dryRun = true;
  if (flags.rotateWhenFull) input.rotateWhenFull = { keep: flags.rotateWhenFull };
  if (flags.copyToRegion?.length) input.copyToRegions = flags.copyToRegion;
  if (flags.shareWith?.length) input.shareWith = flags.shareWith;
  return input;
}

/** Accepts a workflow id, or an instance id plus `--region` (the recommended id is derived from both). */
export function resolveWorkflowId(idOrInstance: string, region?: string): string {
  if (region && !idOrInstance.includes('/')) return pipelineWorkflowId(region, idOrInstance);
  return idOrInstance;
}

/** Which `create` flag sets each input field, so a validation problem can name the flag to fix. */
const FLAG_FOR_FIELD: Record<string, string> = {
  region: '--region',
  instanceId: '--instance-id',
  imageName: '--image-name',
  imageDescription: '--description',
  imageFamily: '--family',
  tags: '--tag',
  shutdown: '--shutdown',
  dataDisks: '--data-disks',
  fstab: '--fstab',
  approval: '--approval',
  'approval.required': '--approval',
  'approval.timeout': '--approval-timeout',
  launch: '--launch',
  'launch.count': '--launch',
  'launch.instanceType': '--launch-instance-type',
  'launch.zone': '--launch-zone',
  'launch.keep': '--launch-keep',
  'timeouts.image': '--image-timeout',
  'timeouts.snapshot': '--snapshot-timeout',
  'timeouts.instance': '--instance-timeout',
  dryRun: '--dry-run',
  rotateWhenFull: '--rotate-when-full',
  'rotateWhenFull.keep': '--rotate-when-full',
  copyToRegions: '--copy-to-region',
  shareWith: '--share-with',
};

export function flagForField(field: string): string | undefined {
  const list = /^(copyToRegions|shareWith)\.\d+$/.exec(field);
  if (list) return FLAG_FOR_FIELD[list[1]];
  return FLAG_FOR_FIELD[field] ?? (field.startsWith('tags.') ? '--tag' : undefined);
}

/** "--image-name (imageName): must be at most 60 characters", one line per problem. */
export function describeProblems(problems: { field: string; message: string }[]): string[] {
  return problems.map(({ field, message }) => {
    const flag = flagForField(field);
    return `${flag ? `${flag} (${field})` : field}: ${message}`;
  });
}
