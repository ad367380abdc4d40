/** CBS snapshots and disks through the real SDK. */
import { errorCode, startTestEmulator, waitFor, type TestEmulator } from '../helpers/emulator';

const REGION = 'ap-guangzhou';
let emu: TestEmulator;
beforeAll(async () => {
  // A slower snapshot, so Percent can be seen rising.
  emu = await startTestEmulator({ durations: { snapshotCreateMs: 600 } });
});
afterAll(() => emu?.close());
beforeEach(() => emu.admin.reset());

const cbs = () => emu.clients.cbs(REGION);
const cvm = () => emu.clients.cvm(REGION);
const dataDiskOf = async (id: string) =>
  (await cvm().DescribeInstances({ InstanceIds: [id] })).InstanceSet![0].DataDisks![0].DiskId!;
const snapshot = async (id: string) => (await cbs().DescribeSnapshots({ SnapshotIds: [id] })).SnapshotSet![0];

describe('snapshots', () => {
  it('CreateSnapshot goes CREATING → NORMAL with Percent rising to 100', async () => {
    const inst = await emu.admin.createInstance({ dataDisks: [{ sizeGb: 40 }] });
    const diskId = await dataDiskOf(inst);
    const { SnapshotId } = await cbs().CreateSnapshot({
      DiskId: diskId,
      SnapshotName: 'nightly',
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    const seen: number[] = [];
    const done = await waitFor(async () => {
      const s = await snapshot(SnapshotId!);
      seen.push(s.Percent!);
      return s.SnapshotState === 'NORMAL' ? s : undefined;
    });
    expect(done).toMatchObject({
      Percent: 100,
      DiskId: diskId,
      DiskUsage: 'DATA_DISK',
      DiskSize: 40,
      SnapshotName: 'nightly',
      ImageCount: 0,
    });
    expect(seen[0]).toBeLessThan(100);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen); // never goes backwards
    const filtered = await cbs().DescribeSnapshots({ Filters: [{ Name: 'disk-id', Values: [diskId] }] });
    expect(filtered.SnapshotSet!.map((s) => s.SnapshotId)).toEqual([SnapshotId]);
    // DescribeSnapshots documents no tag filters (tccli cbs api.json); the tags are in each snapshot.
    expect(await errorCode(cbs().DescribeSnapshots({ Filters: [{ Name: 'tag:k', Values: ['v'] }] }))).toBe(
      'InvalidFilter',
    );
    expect(done.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
  });

  it('refuses a second snapshot of a disk while one is CREATING (InvalidDisk.SnapshotCreating)', async () => {
    const inst = await emu.admin.createInstance({ dataDisks: [{ sizeGb: 20 }] });
    const diskId = (await emu.admin.state()).instances.find((i) => i.id === inst)!.dataDiskIds[0];
    const { SnapshotId } = await cbs().CreateSnapshot({ DiskId: diskId });
    expect(await errorCode(cbs().CreateSnapshot({ DiskId: diskId }))).toBe('InvalidDisk.SnapshotCreating');
    await waitFor(async () => (await snapshot(SnapshotId!)).SnapshotState === 'NORMAL');
    await cbs().CreateSnapshot({ DiskId: diskId });
  });

  it('refuses unknown disks and deleting a snapshot still being created', async () => {
    expect(await errorCode(cbs().CreateSnapshot({ DiskId: 'disk-00000000' }))).toBe('InvalidDiskId.NotFound');
    const inst = await emu.admin.createInstance({ dataDisks: [{ sizeGb: 10 }] });
    const { SnapshotId } = await cbs().CreateSnapshot({ DiskId: await dataDiskOf(inst) });
    expect(await errorCode(cbs().DeleteSnapshots({ SnapshotIds: [SnapshotId!] }))).toBe(
      'ResourceUnavailable.SnapshotCreating',
    );
    expect(await errorCode(cbs().DeleteSnapshots({ SnapshotIds: ['snap-00000000'] }))).toBe(
      'InvalidSnapshotId.NotFound',
    );
  });

  it('refuses to delete an image-bound snapshot unless DeleteBindImages, which deletes the image too', async () => {
    const inst = await emu.admin.createInstance({ state: 'STOPPED' });
    const { ImageId } = await cvm().CreateImage({ ImageName: 'bound', InstanceId: inst });
    const image = await waitFor(async () => {
      const i = (await cvm().DescribeImages({ ImageIds: [ImageId!] })).ImageSet![0];
      return i.ImageState === 'NORMAL' ? i : undefined;
    });
    const snapId = image.SnapshotSet![0].SnapshotId!;
    const snap = await snapshot(snapId);
    expect(snap).toMatchObject({ ImageCount: 1, Images: [{ ImageId, ImageName: 'bound' }], DiskUsage: 'SYSTEM_DISK' });
    expect(await errorCode(cbs().DeleteSnapshots({ SnapshotIds: [snapId] }))).toBe(
      'UnsupportedOperation.SnapshotHasBindedImage',
    );
    expect((await cvm().DescribeImages({ ImageIds: [ImageId!] })).TotalCount).toBe(1);
    await cbs().DeleteSnapshots({ SnapshotIds: [snapId], DeleteBindImages: true });
    expect((await cvm().DescribeImages({ ImageIds: [ImageId!] })).TotalCount).toBe(0);
    expect((await cbs().DescribeSnapshots({ SnapshotIds: [snapId] })).TotalCount).toBe(0);
  });
});

describe('disks', () => {
  it('CreateDisks from a snapshot (idempotent by ClientToken), then AttachDisks → ATTACHED', async () => {
    const src = await emu.admin.createInstance({ dataDisks: [{ sizeGb: 30, fsLabel: 'appdata' }] });
    const { SnapshotId } = await cbs().CreateSnapshot({ DiskId: await dataDiskOf(src) });
    await waitFor(async () => (await snapshot(SnapshotId!)).SnapshotState === 'NORMAL');
    const req = {
      Placement: { Zone: 'ap-guangzhou-3' },
      DiskChargeType: 'POSTPAID_BY_HOUR',
      DiskType: 'CLOUD_PREMIUM',
      SnapshotId,
      ClientToken: 'disk-tok',
    };
    const made = await cbs().CreateDisks(req);
    expect((await cbs().CreateDisks(req)).DiskIdSet).toEqual(made.DiskIdSet);
    const diskId = made.DiskIdSet![0];
    const disk = await waitFor(async () => (await cbs().DescribeDisks({ DiskIds: [diskId] })).DiskSet?.[0]);
    expect(disk).toMatchObject({ DiskSize: 30, DiskState: 'UNATTACHED', DiskUsage: 'DATA_DISK', Attached: false });

    const target = await emu.admin.createInstance({ state: 'STOPPED' });
    await cbs().AttachDisks({ InstanceId: target, DiskIds: [diskId] });
    expect((await cbs().DescribeDisks({ DiskIds: [diskId] })).DiskSet![0].DiskState).toBe('ATTACHING');
    const attached = await waitFor(async () => {
      const d = (await cbs().DescribeDisks({ DiskIds: [diskId] })).DiskSet![0];
      return d.DiskState === 'ATTACHED' ? d : undefined;
    });
    expect(attached).toMatchObject({ InstanceId: target, Attached: true });
    const byInstance = await cbs().DescribeDisks({ Filters: [{ Name: 'instance-id', Values: [target] }] });
    expect(byInstance.DiskSet!.map((d) => d.DiskUsage).sort()).toEqual(['DATA_DISK', 'SYSTEM_DISK']);
    expect(await errorCode(cbs().AttachDisks({ InstanceId: src, DiskIds: [diskId] }))).toBe(
      'ResourceUnavailable.Attached',
    );
    const state = await emu.admin.state();
    expect(state.disks.find((d) => d.id === diskId)).toMatchObject({ device: '/dev/vdb', fsLabel: 'appdata' });
  });

  it('refuses bad CreateDisks/AttachDisks input by field', async () => {
    const zone = { Zone: 'ap-guangzhou-3' };
    expect(
      await errorCode(
        cbs().CreateDisks({ Placement: zone, DiskChargeType: 'POSTPAID_BY_HOUR', DiskType: 'FLOPPY', DiskSize: 10 }),
      ),
    ).toBe('InvalidParameterValue');
    expect(
      await errorCode(
        cbs().CreateDisks({ Placement: zone, DiskChargeType: 'POSTPAID_BY_HOUR', DiskType: 'CLOUD_SSD' }),
      ),
    ).toBe('MissingParameter');
    const made = await cbs().CreateDisks({
      Placement: { Zone: 'ap-guangzhou-6' },
      DiskChargeType: 'POSTPAID_BY_HOUR',
      DiskType: 'CLOUD_SSD',
      DiskSize: 20,
    });
    const inst = await emu.admin.createInstance();
    await waitFor(async () => (await cbs().DescribeDisks({ DiskIds: made.DiskIdSet })).TotalCount === 1);
    expect(await errorCode(cbs().AttachDisks({ InstanceId: inst, DiskIds: made.DiskIdSet! }))).toBe(
      'ResourceUnavailable.ZoneNotMatch',
    );
    const sys = (await cvm().DescribeInstances({ InstanceIds: [inst] })).InstanceSet![0].SystemDisk!.DiskId!;
    expect(await errorCode(cbs().AttachDisks({ InstanceId: inst, DiskIds: [sys] }))).toBe(
      'ResourceUnavailable.TypeError',
    );
  });
});
