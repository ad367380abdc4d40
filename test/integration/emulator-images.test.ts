/** CVM image actions through the real tencentcloud-sdk-nodejs against a running emulator. */
import { errorCode, startTestEmulator, waitFor, type TestEmulator } from '../helpers/emulator';

const REGION = 'ap-guangzhou';
let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());
beforeEach(() => emu.admin.reset());

const cvm = () => emu.clients.cvm(REGION);

async function waitImage(imageId: string, state: string) {
  return waitFor(
    async () => {
      const r = await cvm().DescribeImages({ ImageIds: [imageId] });
      return r.ImageSet?.[0]?.ImageState === state ? r.ImageSet[0] : undefined;
    },
    { what: `${imageId} ${state}` },
  );
}

describe('DescribeInstances / DescribeImageQuota', () => {
  it('lists a fixture instance with its placement, disks and state', async () => {
    const id = await emu.admin.createInstance({ dataDisks: [{ sizeGb: 80 }], instanceType: 'S5.LARGE8' });
    const r = await cvm().DescribeInstances({ InstanceIds: [id] });
    expect(r.TotalCount).toBe(1);
    const inst = r.InstanceSet![0];
    expect(inst).toMatchObject({
      InstanceId: id,
      InstanceState: 'RUNNING',
      InstanceType: 'S5.LARGE8',
      Placement: { Zone: 'ap-guangzhou-3' },
      LatestOperationState: 'SUCCESS',
    });
    expect(inst.DataDisks).toEqual([
      expect.objectContaining({ DiskSize: 80, DiskId: expect.stringMatching(/^disk-/) }),
    ]);
    expect(inst.SystemDisk?.DiskId).toMatch(/^disk-[a-z0-9]{8}$/);
    const other = await emu.clients.cvm('ap-shanghai').DescribeInstances({ InstanceIds: [id] });
    expect(other.TotalCount).toBe(0);
  });

  it('answers the documented default quota, and a configured one', async () => {
    expect((await cvm().DescribeImageQuota()).ImageNumQuota).toBe(10);
    await emu.admin.config({ imageQuota: { 'ap-guangzhou': 3 } });
    expect((await cvm().DescribeImageQuota()).ImageNumQuota).toBe(3);
    await emu.admin.config({ imageQuota: { 'ap-guangzhou': 10 } });
  });
});

describe('CreateImage', () => {
  it('creates an image that goes CREATING → NORMAL with bound snapshots of the included disks', async () => {
    const id = await emu.admin.createInstance({ state: 'STOPPED', dataDisks: [{ sizeGb: 50 }, { sizeGb: 20 }] });
    const inst = (await cvm().DescribeInstances({ InstanceIds: [id] })).InstanceSet![0];
    const dataDisk = inst.DataDisks![0].DiskId!;
    const { ImageId } = await cvm().CreateImage({
      ImageName: 'web-v1',
      ImageDescription: 'baked',
      InstanceId: id,
      DataDiskIds: [dataDisk],
      TagSpecification: [{ ResourceType: 'image', Tags: [{ Key: 'team', Value: 'web' }] }],
    });
    expect(ImageId).toMatch(/^img-[a-z0-9]{8}$/);
    const first = (await cvm().DescribeImages({ ImageIds: [ImageId!] })).ImageSet![0];
    expect(first.ImageState).toBe('CREATING');
    const during = (await cvm().DescribeInstances({ InstanceIds: [id] })).InstanceSet![0];
    expect(during).toMatchObject({ LatestOperation: 'CreateImage', LatestOperationState: 'OPERATING' });

    const done = await waitImage(ImageId!, 'NORMAL');
    expect(done).toMatchObject({
      ImageName: 'web-v1',
      ImageType: 'PRIVATE_IMAGE',
      ImageSource: 'CREATE_IMAGE',
      ImageSize: 50,
    });
    expect(done.Tags).toEqual([{ Key: 'team', Value: 'web' }]);
    expect(done.SnapshotSet!.map((s) => s.DiskUsage).sort()).toEqual(['DATA_DISK', 'SYSTEM_DISK']);
    const after = (await cvm().DescribeInstances({ InstanceIds: [id] })).InstanceSet![0];
    expect(after).toMatchObject({ LatestOperationState: 'SUCCESS', InstanceState: 'STOPPED' });
    const state = await emu.admin.state();
    for (const snap of done.SnapshotSet!) {
      expect(state.snapshots.find((s) => s.id === snap.SnapshotId)?.imageIds).toEqual([ImageId]);
    }
  });

  it('refuses a duplicate name, a full quota, foreign data disks and too-long names, changing nothing', async () => {
    const id = await emu.admin.createInstance({ state: 'STOPPED' });
    const other = await emu.admin.createInstance({ dataDisks: [{ sizeGb: 10 }] });
    const foreignDisk = (await cvm().DescribeInstances({ InstanceIds: [other] })).InstanceSet![0].DataDisks![0].DiskId!;
    const { ImageId } = await cvm().CreateImage({ ImageName: 'dup', InstanceId: id });
    await waitImage(ImageId!, 'NORMAL');
    expect(await errorCode(cvm().CreateImage({ ImageName: 'dup', InstanceId: id }))).toBe('InvalidImageName.Duplicate');
    expect(await errorCode(cvm().CreateImage({ ImageName: 'x'.repeat(61), InstanceId: id }))).toBe(
      'InvalidParameterValue',
    );
    expect(
      await errorCode(cvm().CreateImage({ ImageName: 'd', ImageDescription: 'y'.repeat(257), InstanceId: id })),
    ).toBe('InvalidParameterValue');
    expect(await errorCode(cvm().CreateImage({ ImageName: 'f', InstanceId: id, DataDiskIds: [foreignDisk] }))).toBe(
      'InvalidParameter.DataDiskNotBelongSpecifiedInstance',
    );
    expect(await errorCode(cvm().CreateImage({ ImageName: 'n', InstanceId: 'ins-00000000' }))).toBe(
      'InvalidInstanceId.NotFound',
    );
    // CreateImage documents no InvalidInstanceId.Malformed: a malformed id is one that does not exist.
    expect(await errorCode(cvm().CreateImage({ ImageName: 'n', InstanceId: 'bogus' }))).toBe(
      'InvalidInstanceId.NotFound',
    );
    expect(await errorCode(cvm().CreateImage({ ImageName: 'dry', InstanceId: id, DryRun: true }))).toBe(
      'DryRunOperation',
    );
    await emu.admin.config({ imageQuota: { 'ap-guangzhou': 1 } });
    expect(await errorCode(cvm().CreateImage({ ImageName: 'second', InstanceId: id }))).toBe('ImageQuotaLimitExceeded');
    await emu.admin.config({ imageQuota: { 'ap-guangzhou': 10 } });
    const state = await emu.admin.state();
    expect(state.images.map((i) => i.name)).toEqual(['dup']);
  });

  it('allows online creation only for instances from a public image created on/after 2018-07-01', async () => {
    const modern = await emu.admin.createInstance({ createdTime: '2018-07-01T00:00:00Z' });
    const legacy = await emu.admin.createInstance({ createdTime: '2018-06-30T23:59:59Z' });
    const privateSource = await emu.admin.createInstance({ sourceImageType: 'PRIVATE_IMAGE' });
    const ok = await cvm().CreateImage({ ImageName: 'online', InstanceId: modern });
    expect(ok.ImageId).toMatch(/^img-/);
    expect((await cvm().DescribeInstances({ InstanceIds: [modern] })).InstanceSet![0].InstanceState).toBe('RUNNING');
    for (const id of [legacy, privateSource]) {
      expect(await errorCode(cvm().CreateImage({ ImageName: `n-${id}`, InstanceId: id }))).toBe('UnsupportedOperation');
    }
    // ForcePoweroff powers the instance off for the image instead.
    await cvm().CreateImage({ ImageName: 'forced', InstanceId: legacy, ForcePoweroff: 'TRUE' });
    expect((await cvm().DescribeInstances({ InstanceIds: [legacy] })).InstanceSet![0].InstanceState).toBe('STOPPED');
    // While the image is made, the instance is busy.
    expect(await errorCode(cvm().StartInstances({ InstanceIds: [legacy] }))).toBe(
      'OperationDenied.InstanceOperationInProgress',
    );
  });

  it('refuses an instance stopped with STOP_CHARGING; the online rule is configurable', async () => {
    const id = await emu.admin.createInstance();
    await cvm().StopInstances({ InstanceIds: [id], StoppedMode: 'STOP_CHARGING' });
    await waitFor(
      async () => (await cvm().DescribeInstances({ InstanceIds: [id] })).InstanceSet![0].InstanceState === 'STOPPED',
    );
    expect(await errorCode(cvm().CreateImage({ ImageName: 'sc', InstanceId: id }))).toBe(
      'UnsupportedOperation.StoppedModeStopCharging',
    );
    await emu.admin.config({ onlineImaging: 'never' } as never);
    const modern = await emu.admin.createInstance({ createdTime: '2023-01-01T00:00:00Z' });
    expect(await errorCode(cvm().CreateImage({ ImageName: 'never', InstanceId: modern }))).toBe('UnsupportedOperation');
    await emu.admin.config({ onlineImaging: 'public-since-2018-07' } as never);
  });

  it('filters by tag-value (documented for DescribeImages)', async () => {
    const id = await emu.admin.createInstance({ state: 'STOPPED' });
    const { ImageId } = await cvm().CreateImage({
      ImageName: 'tv',
      InstanceId: id,
      TagSpecification: [{ ResourceType: 'image', Tags: [{ Key: 'team', Value: 'blue' }] }],
    });
    const found = await cvm().DescribeImages({ Filters: [{ Name: 'tag-value', Values: ['blue'] }] });
    expect(found.ImageSet!.map((i) => i.ImageId)).toEqual([ImageId]);
  });

  it('ends CREATEFAILED when a fault rule says so, and keeps no snapshots', async () => {
    const id = await emu.admin.createInstance({ state: 'STOPPED' });
    await emu.admin.faults({ seed: 1, rules: [{ action: 'CreateImage', resultState: 'CREATEFAILED' }] });
    const { ImageId } = await cvm().CreateImage({ ImageName: 'doomed', InstanceId: id });
    await waitImage(ImageId!, 'CREATEFAILED');
    await emu.admin.clearFaults();
    const state = await emu.admin.state();
    expect(state.snapshots).toEqual([]);
    const inst = (await cvm().DescribeInstances({ InstanceIds: [id] })).InstanceSet![0];
    expect(inst.LatestOperationState).toBe('FAILED');
  });
});

describe('DescribeImages', () => {
  it('filters by type, fuzzy name, tags and ids; pages with Limit/Offset', async () => {
    const id = await emu.admin.createInstance({ state: 'STOPPED' });
    const names = ['alpha-web', 'beta-web', 'gamma-db'];
    const ids: string[] = [];
    for (const [i, name] of names.entries()) {
      const tags = [{ Key: 'tier', Value: i < 2 ? 'web' : 'db' }];
      const r = await cvm().CreateImage({
        ImageName: name,
        InstanceId: id,
        TagSpecification: [{ ResourceType: 'image', Tags: tags }],
      });
      ids.push(r.ImageId!);
      await waitImage(r.ImageId!, 'NORMAL');
    }
    const byName = await cvm().DescribeImages({ Filters: [{ Name: 'image-name', Values: ['web'] }] });
    expect(byName.ImageSet!.map((i) => i.ImageName).sort()).toEqual(['alpha-web', 'beta-web']);
    const byTag = await cvm().DescribeImages({ Filters: [{ Name: 'tag:tier', Values: ['db'] }] });
    expect(byTag.ImageSet!.map((i) => i.ImageId)).toEqual([ids[2]]);
    const byTagKey = await cvm().DescribeImages({
      Filters: [
        { Name: 'tag-key', Values: ['tier'] },
        { Name: 'image-type', Values: ['PRIVATE_IMAGE'] },
      ],
    });
    expect(byTagKey.TotalCount).toBe(3);
    const publicOnes = await cvm().DescribeImages({ Filters: [{ Name: 'image-type', Values: ['PUBLIC_IMAGE'] }] });
    expect(publicOnes.ImageSet!.length).toBeGreaterThan(0);
    expect(publicOnes.ImageSet!.every((i) => i.ImageType === 'PUBLIC_IMAGE')).toBe(true);
    const page1 = await cvm().DescribeImages({
      Filters: [{ Name: 'image-type', Values: ['PRIVATE_IMAGE'] }],
      Limit: 2,
    });
    const page2 = await cvm().DescribeImages({
      Filters: [{ Name: 'image-type', Values: ['PRIVATE_IMAGE'] }],
      Limit: 2,
      Offset: 2,
    });
    expect(page1.TotalCount).toBe(3);
    expect([...page1.ImageSet!, ...page2.ImageSet!].map((i) => i.ImageId).sort()).toEqual([...ids].sort());
    const byIds = await cvm().DescribeImages({ ImageIds: [ids[0], 'img-00000000'] });
    expect(byIds.ImageSet!.map((i) => i.ImageId)).toEqual([ids[0]]);
  });

  it('refuses ImageIds with Filters, Limit over 100 and unknown filters', async () => {
    expect(
      await errorCode(
        cvm().DescribeImages({
          ImageIds: ['img-00000000'],
          Filters: [{ Name: 'image-type', Values: ['PRIVATE_IMAGE'] }],
        }),
      ),
    ).toBe('InvalidParameter.InvalidParameterCoexistImageIdsFilters');
    expect(await errorCode(cvm().DescribeImages({ Limit: 101 }))).toBe('InvalidParameterValue');
    expect(await errorCode(cvm().DescribeImages({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] }))).toBe(
      'InvalidFilter',
    );
  });
});
