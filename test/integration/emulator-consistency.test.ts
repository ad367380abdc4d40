/**
 * Optional eventual consistency (src/emulator/core/consistency.ts, off by default): new resources listed late,
 * deleted ones listed a while longer, through the real SDK; and the pipeline completes and undoes its work
 * under both (#12).
 */
import { errorCode, startTestEmulator, type TestEmulator } from '../helpers/emulator';
import {
  failureOf,
  leftovers,
  onlineInstanceWithDataDisk,
  REGION,
  startBench,
  type PipelineBench,
} from '../helpers/pipeline';

jest.setTimeout(60_000);

describe('the emulator with lag', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(async () => emu?.close());

  const images = async (id: string) =>
    (await emu.clients.cvm(REGION).DescribeImages({ ImageIds: [id] })).ImageSet!.map((i) => i.ImageId);

  test('off by default: a new instance is listed at once', async () => {
    expect(await emu.admin.config({})).toMatchObject({ visibilityLagMs: 0, deletionLagMs: 0 });
    const cvm = emu.clients.cvm(REGION);
    const id = (await cvm.RunInstances({ ImageId: 'img-487zeit5', Placement: { Zone: `${REGION}-3` } }))
      .InstanceIdSet![0];
    expect((await cvm.DescribeInstances({ InstanceIds: [id] })).InstanceSet).toHaveLength(1);
  });

  test('a new instance and image are listed only after the visibility lag; a deleted image for the deletion lag', async () => {
    await emu.admin.config({ visibilityLagMs: 30_000, deletionLagMs: 30_000 });
    const cvm = emu.clients.cvm(REGION);
    const id = (await cvm.RunInstances({ ImageId: 'img-487zeit5', Placement: { Zone: `${REGION}-3` } }))
      .InstanceIdSet![0];
    expect((await cvm.DescribeInstances({ InstanceIds: [id] })).InstanceSet).toEqual([]);
    await emu.admin.advanceClock(31_000);
    expect((await cvm.DescribeInstances({ InstanceIds: [id] })).InstanceSet![0].InstanceState).toBe('RUNNING');

    const imageId = (await cvm.CreateImage({ InstanceId: id, ImageName: 'lagged', ForcePoweroff: 'TRUE' })).ImageId!;
    expect(await images(imageId)).toEqual([]);
    await emu.admin.advanceClock(31_000);
    expect(await images(imageId)).toEqual([imageId]);

    await cvm.DeleteImages({ ImageIds: [imageId] });
    expect(await images(imageId)).toEqual([imageId]);
    // Only Describe* lags: the image is gone for every other action.
    expect(await errorCode(cvm.DeleteImages({ ImageIds: [imageId] }))).toBe('InvalidImageId.NotFound');
    await emu.admin.advanceClock(31_000);
    expect(await images(imageId)).toEqual([]);
  });
});

describe('the pipeline under lag', () => {
  let bench: PipelineBench;
  beforeAll(async () => {
    bench = await startBench();
    await bench.emu.admin.config({ visibilityLagMs: 1500, deletionLagMs: 1500 });
  });
  afterAll(async () => bench?.close());
  afterEach(async () => bench.emu.admin.clearFaults());

  test('completes: image, data-disk snapshot, launch verified and cleaned up', async () => {
    const instanceId = await bench.emu.admin.createInstance(onlineInstanceWithDataDisk());
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'lagged-ok', launch: { count: 1 } });
    const result = await handle.result();
    expect(result.imageId).toMatch(/^img-/);
    expect(result.snapshotIds).toHaveLength(1);
    expect(result.launchedInstanceIds).toHaveLength(1);
  });

  test('a failure afterwards undoes everything even while deletions still show', async () => {
    const instanceId = await bench.emu.admin.createInstance(onlineInstanceWithDataDisk());
    const before = await bench.emu.admin.state();
    await bench.emu.admin.faults({ rules: [{ action: 'RunInstances', resultState: 'LAUNCH_FAILED' }] });
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'lagged-undo', launch: { count: 1 } });
    expect((await failureOf(handle)).type).toBe('LaunchFailed');
    const { newImages, newSnapshots } = await leftovers(bench.emu, before);
    expect({ newImages, newSnapshots }).toEqual({ newImages: [], newSnapshots: [] });
  });
});
