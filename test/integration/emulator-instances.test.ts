/** CVM instance lifecycle through the real SDK: stop/start/terminate, RunInstances, operation locks. */
import { errorCode, startTestEmulator, waitFor, type TestEmulator } from '../helpers/emulator';

const REGION = 'ap-guangzhou';
/**
 * Instance transitions last 30 emulated seconds, so a loaded machine can never skip past a transient state
 * (STOPPING, STARTING, PENDING, TERMINATING) before the test reads it; waits move the emulator's clock on.
 */
const TRANSITION_MS = 30_000;
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({
    durations: {
      instanceLaunchMs: TRANSITION_MS,
      instanceStopMs: TRANSITION_MS,
      instanceStartMs: TRANSITION_MS,
      instanceTerminateMs: TRANSITION_MS,
    },
  });
});
afterAll(() => emu?.close());
beforeEach(() => emu.admin.reset());

const cvm = () => emu.clients.cvm(REGION);
const describe1 = async (id: string) => (await cvm().DescribeInstances({ InstanceIds: [id] })).InstanceSet![0];
const waitState = async (id: string, state: string) => {
  await emu.admin.advanceClock(TRANSITION_MS);
  return waitFor(
    async () => {
      const i = await describe1(id);
      return i?.InstanceState === state ? i : undefined;
    },
    { what: `${id} ${state}` },
  );
};

describe('StopInstances / StartInstances', () => {
  it('goes RUNNING → STOPPING → STOPPED → STARTING → RUNNING with LatestOperation tracking', async () => {
    const id = await emu.admin.createInstance();
    await cvm().StopInstances({ InstanceIds: [id], StopType: 'SOFT', StoppedMode: 'STOP_CHARGING' });
    const stopping = await describe1(id);
    expect(stopping).toMatchObject({
      InstanceState: 'STOPPING',
      LatestOperation: 'StopInstances',
      LatestOperationState: 'OPERATING',
    });
    expect(await errorCode(cvm().StartInstances({ InstanceIds: [id] }))).toBe(
      'OperationDenied.InstanceOperationInProgress',
    );
    const stopped = await waitState(id, 'STOPPED');
    expect(stopped).toMatchObject({ LatestOperationState: 'SUCCESS', StopChargingMode: 'STOP_CHARGING' });
    expect(await errorCode(cvm().StopInstances({ InstanceIds: [id] }))).toBe(
      'UnsupportedOperation.InstanceStateStopped',
    );
    await cvm().StartInstances({ InstanceIds: [id] });
    expect((await describe1(id)).InstanceState).toBe('STARTING');
    await waitState(id, 'RUNNING');
    const status = await cvm().DescribeInstancesStatus({ InstanceIds: [id] });
    expect(status.InstanceStatusSet).toEqual([{ InstanceId: id, InstanceState: 'RUNNING' }]);
    expect(await errorCode(cvm().StartInstances({ InstanceIds: [id] }))).toBe(
      'UnsupportedOperation.InstanceStateRunning',
    );
  });

  it('changes nothing in a batch when one instance is refused; validates fields by name', async () => {
    const a = await emu.admin.createInstance();
    const b = await emu.admin.createInstance({ state: 'STOPPED' });
    expect(await errorCode(cvm().StopInstances({ InstanceIds: [a, b] }))).toBe(
      'UnsupportedOperation.InstanceStateStopped',
    );
    expect((await describe1(a)).InstanceState).toBe('RUNNING');
    expect(await errorCode(cvm().StopInstances({ InstanceIds: [a], StopType: 'GENTLE' }))).toBe(
      'InvalidParameterValue',
    );
    expect(await errorCode(cvm().StopInstances({ InstanceIds: [] }))).toBe('MissingParameter');
    expect(await errorCode(cvm().StopInstances({ InstanceIds: ['ins-zzzzzzzz'] }))).toBe('InvalidInstanceId.NotFound');
    // StopInstances' model has no DryRun member: an undeclared parameter is refused (tccli api.json).
    expect(await errorCode(cvm().StopInstances({ InstanceIds: [a], DryRun: true } as never))).toBe('UnknownParameter');
    expect((await describe1(a)).InstanceState).toBe('RUNNING');
  });
});

describe('TerminateInstances', () => {
  it('removes the instance and its system disk, keeping data disks that outlive it', async () => {
    const id = await emu.admin.createInstance({ dataDisks: [{ sizeGb: 20 }] });
    const before = await describe1(id);
    await cvm().TerminateInstances({ InstanceIds: [id] });
    expect((await describe1(id)).InstanceState).toBe('TERMINATING');
    await emu.admin.advanceClock(TRANSITION_MS);
    await waitFor(async () => (await cvm().DescribeInstances({ InstanceIds: [id] })).TotalCount === 0, {
      what: 'terminated',
    });
    const disks = await emu.clients.cbs(REGION).DescribeDisks({});
    expect(disks.DiskSet!.map((d) => [d.DiskId, d.DiskState])).toEqual([[before.DataDisks![0].DiskId, 'UNATTACHED']]);
  });
});

describe('RunInstances', () => {
  it('launches PENDING → RUNNING from a public image and is idempotent by ClientToken', async () => {
    const req = {
      ImageId: 'img-487zeit5',
      Placement: { Zone: 'ap-guangzhou-4' },
      InstanceType: 'S5.MEDIUM4',
      InstanceCount: 2,
      ClientToken: 'tok-1',
    };
    const first = await cvm().RunInstances(req);
    expect(first.InstanceIdSet).toHaveLength(2);
    const replay = await cvm().RunInstances(req);
    expect(replay.InstanceIdSet).toEqual(first.InstanceIdSet);
    expect((await describe1(first.InstanceIdSet![0])).InstanceState).toBe('PENDING');
    const running = await waitState(first.InstanceIdSet![0], 'RUNNING');
    expect(running).toMatchObject({
      ImageId: 'img-487zeit5',
      Placement: { Zone: 'ap-guangzhou-4' },
      InstanceType: 'S5.MEDIUM4',
    });
    expect((await cvm().DescribeInstances({})).TotalCount).toBe(2);
  });

  it('refuses bad input by field, changing nothing', async () => {
    const zone = { Zone: 'ap-guangzhou-3' };
    expect(await errorCode(cvm().RunInstances({ Placement: zone }))).toBe('MissingParameter');
    expect(await errorCode(cvm().RunInstances({ ImageId: 'img-487zeit5' }))).toBe('MissingParameter');
    expect(await errorCode(cvm().RunInstances({ ImageId: 'img-487zeit5', Placement: { Zone: 'ap-shanghai-2' } }))).toBe(
      'InvalidZone.MismatchRegion',
    );
    expect(await errorCode(cvm().RunInstances({ ImageId: 'img-00000000', Placement: zone }))).toBe(
      'InvalidImageId.NotFound',
    );
    expect(await errorCode(cvm().RunInstances({ ImageId: 'img-487zeit5', Placement: zone, InstanceCount: 0 }))).toBe(
      'InvalidParameterValue',
    );
    expect(await errorCode(cvm().RunInstances({ ImageId: 'img-487zeit5', Placement: zone, DryRun: true }))).toBe(
      'DryRunOperation',
    );
    expect((await emu.admin.state()).instances).toEqual([]);
  });

  it('creates data disks from snapshots, refusing sizes below the snapshot', async () => {
    const src = await emu.admin.createInstance({ dataDisks: [{ sizeGb: 60, fsLabel: 'payload' }] });
    const diskId = (await describe1(src)).DataDisks![0].DiskId!;
    const { SnapshotId } = await emu.clients.cbs(REGION).CreateSnapshot({ DiskId: diskId });
    await waitFor(async () => {
      const s = await emu.clients.cbs(REGION).DescribeSnapshots({ SnapshotIds: [SnapshotId!] });
      return s.SnapshotSet![0].SnapshotState === 'NORMAL';
    });
    const zone = { Zone: 'ap-guangzhou-3' };
    expect(
      await errorCode(
        cvm().RunInstances({ ImageId: 'img-487zeit5', Placement: zone, DataDisks: [{ DiskSize: 50, SnapshotId }] }),
      ),
    ).toBe('FailedOperation.SnapshotSizeLargerThanDataSize');
    const r = await cvm().RunInstances({
      ImageId: 'img-487zeit5',
      Placement: zone,
      DataDisks: [{ DiskSize: 80, SnapshotId }],
    });
    const inst = await waitState(r.InstanceIdSet![0], 'RUNNING');
    expect(inst.DataDisks).toEqual([expect.objectContaining({ DiskSize: 80, SnapshotId })]);
    const state = await emu.admin.state();
    const newDisk = state.disks.find((d) => d.id === inst.DataDisks![0].DiskId);
    expect(newDisk?.fsLabel).toBe('payload');
  });

  it('ends LAUNCH_FAILED when a fault rule says so', async () => {
    await emu.admin.faults({ rules: [{ action: 'RunInstances', resultState: 'LAUNCH_FAILED' }] });
    const r = await cvm().RunInstances({ ImageId: 'img-487zeit5', Placement: { Zone: 'ap-guangzhou-3' } });
    await emu.admin.clearFaults();
    const failed = await waitState(r.InstanceIdSet![0], 'LAUNCH_FAILED');
    expect(failed.LatestOperationState).toBe('FAILED');
    // TerminateInstances documents UnsupportedOperation.InstanceStateLaunchFailed.
    expect(await errorCode(cvm().TerminateInstances({ InstanceIds: [r.InstanceIdSet![0]] }))).toBe(
      'UnsupportedOperation.InstanceStateLaunchFailed',
    );
  });

  it('buys no data disks without DataDisks, even from a whole-machine image; system disk 50 GB by default', async () => {
    const src = await emu.admin.createInstance({ state: 'STOPPED', dataDisks: [{ sizeGb: 20 }] });
    const diskId = (await describe1(src)).DataDisks![0].DiskId!;
    const { ImageId } = await cvm().CreateImage({ ImageName: 'whole', InstanceId: src, DataDiskIds: [diskId] });
    await waitFor(
      async () => (await cvm().DescribeImages({ ImageIds: [ImageId!] })).ImageSet![0].ImageState === 'NORMAL',
    );
    const r = await cvm().RunInstances({ ImageId: ImageId!, Placement: { Zone: 'ap-guangzhou-3' } });
    const inst = await describe1(r.InstanceIdSet![0]);
    expect(inst.DataDisks ?? []).toEqual([]);
    expect(inst.SystemDisk?.DiskSize).toBe(50);
  });
});
