/** DeleteImages, SyncImages, ModifyImageSharePermission, DescribeImageSharePermission through the real SDK. */
import { errorCode, startTestEmulator, waitFor, type TestEmulator } from '../helpers/emulator';

const REGION = 'ap-guangzhou';
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());
beforeEach(() => emu.admin.reset());

const cvm = (region = REGION) => emu.clients.cvm(region);
const imageState = async (id: string, region = REGION) =>
  (await cvm(region).DescribeImages({ ImageIds: [id] })).ImageSet?.[0]?.ImageState;

async function normalImage(name: string, dataDisk = false): Promise<string> {
  const inst = await emu.admin.createInstance({ state: 'STOPPED', dataDisks: dataDisk ? [{ sizeGb: 20 }] : [] });
  const disks = dataDisk
    ? [(await cvm().DescribeInstances({ InstanceIds: [inst] })).InstanceSet![0].DataDisks![0].DiskId!]
    : undefined;
  const { ImageId } = await cvm().CreateImage({ ImageName: name, InstanceId: inst, DataDiskIds: disks });
  await waitFor(async () => (await imageState(ImageId!)) === 'NORMAL');
  return ImageId!;
}

describe('DeleteImages', () => {
  it('refuses CREATING images; deletes bound snapshots only with DeleteBindedSnap', async () => {
    const inst = await emu.admin.createInstance({ state: 'STOPPED' });
    const { ImageId: creating } = await cvm().CreateImage({ ImageName: 'busy', InstanceId: inst });
    expect(await errorCode(cvm().DeleteImages({ ImageIds: [creating!] }))).toBe('InvalidImageId.IncorrectState');
    await waitFor(async () => (await imageState(creating!)) === 'NORMAL');

    const keep = await normalImage('keep-snaps', true);
    await cvm().DeleteImages({ ImageIds: [keep] });
    const left = (await emu.admin.state()).snapshots.filter((s) => s.name.startsWith('keep-snaps'));
    expect(left).toHaveLength(2);
    expect(left.every((s) => s.imageIds.length === 0)).toBe(true);

    await cvm().DeleteImages({ ImageIds: [creating!], DeleteBindedSnap: true });
    const state = await emu.admin.state();
    expect(state.images).toEqual([]);
    expect(state.snapshots.filter((s) => s.name.startsWith('busy'))).toEqual([]);
    expect(await errorCode(cvm().DeleteImages({ ImageIds: ['img-00000000'] }))).toBe('InvalidImageId.NotFound');
    expect(await errorCode(cvm().DeleteImages({ ImageIds: ['img-487zeit5'] }))).toBe('InvalidImageId.NotFound');
  });
});

describe('sharing', () => {
  it('shares with accounts, lists them, refuses deletion while shared, then cancels', async () => {
    const id = await normalImage('shared');
    await cvm().ModifyImageSharePermission({
      ImageId: id,
      AccountIds: ['100000000002', '100000000003'],
      Permission: 'SHARE',
    });
    const perms = await cvm().DescribeImageSharePermission({ ImageId: id });
    expect(perms.SharePermissionSet!.map((p) => p.AccountId).sort()).toEqual(['100000000002', '100000000003']);
    expect(await errorCode(cvm().DeleteImages({ ImageIds: [id] }))).toBe('InvalidImageId.InShared');
    await cvm().ModifyImageSharePermission({
      ImageId: id,
      AccountIds: ['100000000002', '100000000003'],
      Permission: 'CANCEL',
    });
    expect((await cvm().DescribeImageSharePermission({ ImageId: id })).SharePermissionSet).toEqual([]);
    await cvm().DeleteImages({ ImageIds: [id] });
    expect(
      await errorCode(cvm().ModifyImageSharePermission({ ImageId: id, AccountIds: ['1'], Permission: 'SHARE' })),
    ).toBe('InvalidImageId.NotFound');
  });

  it('validates Permission and AccountIds by name', async () => {
    const id = await normalImage('validate');
    expect(
      await errorCode(
        cvm().ModifyImageSharePermission({ ImageId: id, AccountIds: ['100000000002'], Permission: 'LEND' }),
      ),
    ).toBe('InvalidParameterValue');
    expect(
      await errorCode(cvm().ModifyImageSharePermission({ ImageId: id, AccountIds: ['abc'], Permission: 'SHARE' })),
    ).toBe('InvalidAccountId.NotFound');
  });

  it('answers the documented errors for an account that has the image already, and for yourself', async () => {
    const id = await normalImage('twice');
    const share = (AccountIds: string[]) =>
      cvm().ModifyImageSharePermission({ ImageId: id, AccountIds, Permission: 'SHARE' });
    await share(['100000000002']);
    expect(await errorCode(share(['100000000002']))).toBe('FailedOperation.AccountAlreadyExists');
    expect(await errorCode(share(['100000000001']))).toBe('FailedOperation.AccountIsYourSelf');
  });
});

describe('SyncImages', () => {
  it('copies an image to other regions: SYNCING → NORMAL there, with its own snapshots and files', async () => {
    const id = await normalImage('global', true);
    const r = await cvm().SyncImages({
      ImageIds: [id],
      DestinationRegions: ['ap-shanghai', 'ap-singapore'],
      ImageSetRequired: true,
    });
    expect(r.ImageSet!.map((x) => x.Region).sort()).toEqual(['ap-shanghai', 'ap-singapore']);
    const copy = r.ImageSet!.find((x) => x.Region === 'ap-shanghai')!.ImageId;
    expect(await imageState(copy, 'ap-shanghai')).toBe('SYNCING');
    await waitFor(async () => (await imageState(copy, 'ap-shanghai')) === 'NORMAL');
    const there = (await cvm('ap-shanghai').DescribeImages({ ImageIds: [copy] })).ImageSet![0];
    // ImageSource is one of OFFICIAL / CREATE_IMAGE / EXTERNAL_IMPORT; no tag is documented to travel.
    expect(there).toMatchObject({ ImageName: 'global', ImageSource: 'CREATE_IMAGE' });
    expect(there.Tags ?? []).toEqual([]);
    expect(there.SnapshotSet).toHaveLength(2);
    const snaps = await emu.clients.cbs('ap-shanghai').DescribeSnapshots({});
    expect(snaps.SnapshotSet!.map((x) => x.Images!.map((i) => i.ImageId))).toEqual([[copy], [copy]]);
    const images = (await emu.admin.state()).images;
    const files = (imageId: string) => images.find((i) => i.id === imageId)!.files;
    expect(files(copy)['/etc/fstab']).toBe(files(id)['/etc/fstab']);
    expect(files(copy)['/etc/fstab']).toContain(' / ext4');
  });

  it('refuses the source region, unknown regions, and a full destination quota', async () => {
    const id = await normalImage('nowhere');
    expect(await errorCode(cvm().SyncImages({ ImageIds: [id], DestinationRegions: [REGION] }))).toBe(
      'InvalidParameterValue',
    );
    expect(await errorCode(cvm().SyncImages({ ImageIds: [id], DestinationRegions: ['moon-1'] }))).toBe(
      'InvalidRegion.NotFound',
    );
    await emu.admin.config({ imageQuota: { 'ap-shanghai': 0 } });
    expect(await errorCode(cvm().SyncImages({ ImageIds: [id], DestinationRegions: ['ap-shanghai'] }))).toBe(
      'ImageQuotaLimitExceeded',
    );
    await emu.admin.config({ imageQuota: { 'ap-shanghai': 10 } });
    expect((await emu.admin.state()).images.map((i) => i.region)).toEqual([REGION]);
    // One image per call; a name already in the destination is InvalidImageName.Duplicate (SyncImages docs).
    const other = await normalImage('other');
    expect(await errorCode(cvm().SyncImages({ ImageIds: [id, other], DestinationRegions: ['ap-shanghai'] }))).toBe(
      'InvalidImageId.TooLarge',
    );
    await cvm().SyncImages({ ImageIds: [id], DestinationRegions: ['ap-shanghai'] });
    expect(await errorCode(cvm().SyncImages({ ImageIds: [id], DestinationRegions: ['ap-shanghai'] }))).toBe(
      'InvalidImageName.Duplicate',
    );
  });
});
