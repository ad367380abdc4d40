/**
 * Where the step scenarios strike: a permanent failure at every step of the procedure (16 points) and a
 * cancellation in every stage (13 stages). A stage is held open long enough to be caught by a slow
 * duration or an injected latency; a fault meant for a later call of an action is installed once the run
 * reaches the stage before it.
 */
import type { Durations } from '../../src/emulator';
import type { FixtureInstance } from '../../src/emulator/cvm/fixtures';
import type { CreateCustomImageInput, StageName } from '../../src/contract';
import type { FaultsBody } from '../helpers/emulator';

type Rule = FaultsBody['rules'][number];

export interface StepCase {
  name: string;
  fixture: FixtureInstance;
  input: Omit<CreateCustomImageInput, 'region' | 'instanceId' | 'imageName'>;
  durations?: Partial<Durations>;
  /** In force from the start. */
  faults?: Rule[];
  /** Installed (added) once the run reaches `at`. */
  later?: { at: StageName; rules: Rule[] };
  /** Cancel the run once it reaches this stage. */
  cancelAt?: StageName;
  /** The failure type the run must end with, or "cancelled". */
  expect: string;
}

const UUID = '6f1b2c3d-aaaa-4bbb-8ccc-0123456789ab';
const withData = (over: Partial<FixtureInstance> = {}): FixtureInstance => ({
  dataDisks: [{ sizeGb: 20, fsUuid: UUID, fsLabel: 'data1' }],
  files: {
    '/etc/fstab': `LABEL=cloudimg-rootfs / ext4 defaults 0 1\nUUID=${UUID} /data ext4 defaults 0 2\n`,
    '/data/README': 'business data\n',
  },
  ...over,
});
/** Created before 2018-07-01: imaged only after a shutdown, so stop and start are steps of the run. */
const pre2018 = () => withData({ createdTime: '2017-03-01T00:00:00Z' });
const denied = (action: string, count?: number): Rule => ({
  action,
  error: 'UnauthorizedOperation',
  message: `CAM policy denies ${action}`,
  count,
});
/**
 * How long a slow stage lasts: longer than the worker's 5 s heartbeat throttle, so the cancel reaches the
 * waiting activity during the stage rather than after its wait already ended.
 */
const HOLD_MS = 8000;
const slow = (action: string): Rule => ({ action, latencyMs: 2500, count: 1 });
const launch = { launch: { count: 1 } };

export const FAILURE_POINTS: StepCase[] = [
  {
    name: 'inspect',
    fixture: withData(),
    input: {},
    faults: [denied('DescribeInstances')],
    expect: 'TencentAuthFailure',
  },
  {
    name: 'quota',
    fixture: withData(),
    input: {},
    faults: [denied('DescribeImageQuota')],
    expect: 'TencentAuthFailure',
  },
  {
    name: 'fstab fix',
    fixture: withData(),
    input: {},
    faults: [{ action: 'RunCommand', resultState: 'FAILED', count: 1 }],
    expect: 'GuestCommandFailed',
  },
  { name: 'stop', fixture: pre2018(), input: {}, faults: [denied('StopInstances')], expect: 'TencentAuthFailure' },
  {
    name: 'wait stopped',
    fixture: pre2018(),
    input: { timeouts: { instance: '2s' } },
    durations: { instanceStopMs: 4000 },
    expect: 'StageTimedOut',
  },
  {
    name: 'create image',
    fixture: pre2018(),
    input: {},
    faults: [{ action: 'CreateImage', error: 'LimitExceeded.ImageQuotaLimitExceeded' }],
    expect: 'ImageQuotaExceeded',
  },
  {
    name: 'wait image',
    fixture: pre2018(),
    input: {},
    faults: [{ action: 'CreateImage', resultState: 'CREATEFAILED' }],
    expect: 'ImageCreateFailed',
  },
  {
    // A restart is retried until it succeeds or a person decides (#13 item 5), and a denied one too
    // (#19 item 7): the run that cannot restart shows restoring-instance; cancelled there, it still restores.
    name: 'start again',
    fixture: pre2018(),
    input: {},
    faults: [{ action: 'StartInstances', error: 'UnsupportedOperation', count: 1 }],
    cancelAt: 'restoring-instance',
    expect: 'cancelled',
  },
  {
    name: 'restore fstab',
    fixture: withData(),
    input: {},
    durations: { imageCreateMs: 1500 },
    later: { at: 'waiting-for-image', rules: [{ action: 'RunCommand', resultState: 'FAILED', count: 1 }] },
    expect: 'GuestCommandFailed',
  },
  {
    name: 'create snapshot',
    fixture: withData(),
    input: {},
    faults: [denied('CreateSnapshot', 1)],
    expect: 'TencentAuthFailure',
  },
  {
    name: 'wait snapshot',
    fixture: withData(),
    input: {},
    faults: [{ action: 'CreateSnapshot', resultState: 'CREATEFAILED' }],
    expect: 'SnapshotCreateFailed',
  },
  {
    name: 'launch',
    fixture: withData(),
    input: launch,
    faults: [{ action: 'RunInstances', error: 'ResourceInsufficient.SpecifiedInstanceType' }],
    expect: 'LaunchFailed',
  },
  {
    name: 'wait launched',
    fixture: withData(),
    input: launch,
    faults: [{ action: 'RunInstances', resultState: 'LAUNCH_FAILED' }],
    expect: 'LaunchFailed',
  },
  {
    name: 'verify boot',
    fixture: withData(),
    input: { fstab: 'ignore', dataDisks: 'exclude', launch: { count: 1, keep: true }, timeouts: { agent: '2s' } },
    expect: 'LaunchVerificationFailed',
  },
  {
    name: 'fstab on launched',
    fixture: withData(),
    input: launch,
    durations: { instanceLaunchMs: 1500 },
    later: { at: 'launching', rules: [{ action: 'RunCommand', resultState: 'FAILED', count: 1 }] },
    expect: 'GuestCommandFailed',
  },
  {
    name: 'terminate launched',
    fixture: withData(),
    input: launch,
    faults: [denied('TerminateInstances', 1)],
    expect: 'TencentAuthFailure',
  },
];

const cancel = (
  stage: StageName,
  fixture: FixtureInstance,
  input: StepCase['input'],
  hold: Pick<StepCase, 'durations' | 'faults' | 'later'>,
): StepCase => ({ name: stage, fixture, input, ...hold, cancelAt: stage, expect: 'cancelled' });

export const CANCEL_POINTS: StepCase[] = [
  cancel('inspecting', withData(), {}, { faults: [slow('DescribeInstances')] }),
  cancel('checking-quota', withData(), {}, { faults: [slow('DescribeImageQuota')] }),
  cancel('preparing-fstab', withData(), {}, { faults: [slow('RunCommand')] }),
  cancel('awaiting-approval', pre2018(), { approval: { required: true } }, {}),
  cancel('stopping', pre2018(), {}, { durations: { instanceStopMs: HOLD_MS } }),
  cancel('creating-image', withData(), {}, { faults: [slow('CreateImage')] }),
  cancel('waiting-for-image', withData(), {}, { durations: { imageCreateMs: HOLD_MS } }),
  cancel('starting', pre2018(), {}, { durations: { instanceStartMs: HOLD_MS } }),
  cancel(
    'restoring-fstab',
    withData(),
    {},
    { durations: { imageCreateMs: 1500 }, later: { at: 'waiting-for-image', rules: [slow('RunCommand')] } },
  ),
  cancel('snapshotting-data-disks', withData(), {}, { durations: { snapshotCreateMs: HOLD_MS } }),
  cancel('launching', withData(), launch, { durations: { instanceLaunchMs: HOLD_MS } }),
  cancel('verifying-launch', withData(), launch, { faults: [slow('DescribeAutomationAgentStatus')] }),
  cancel('cleaning-up-launch', withData(), launch, { durations: { instanceTerminateMs: HOLD_MS } }),
];
