/**
 * createCustomImage's lifecycle options against the dev server and the emulator: a full quota with
 * `rotateWhenFull` succeeds (and without it the refusal says how to use it), copies to other regions and
 * sharing succeed and are undone by compensation when a later step fails, and the result reports the
 * snapshot GB the run created.
 */
import { randomUUID } from 'node:crypto';
import { bakeImage, foreignImage } from '../helpers/lifecycle';
import { failureOf, leftovers, REGION, startBench, type PipelineBench } from '../helpers/pipeline';

jest.setTimeout(120_000);

let bench: PipelineBench;
beforeAll(async () => {
  bench = await startBench();
});
afterAll(async () => bench?.close());
afterEach(async () => {
  await bench.emu.admin.clearFaults();
  await bench.emu.admin.config({ imageQuota: { [REGION]: 50, 'ap-shanghai': 50, 'ap-beijing': 50 } });
});

const COPY_REGIONS = ['ap-shanghai', 'ap-beijing'];
const ACCOUNT = '100000000009';

async function sharedWith(imageId: string): Promise<string[]> {
  const res = await bench.emu.clients.cvm(REGION).DescribeImageSharePermission({ ImageId: imageId });
  return (res.SharePermissionSet ?? []).map((p) => p.AccountId!);
}

describe('rotateWhenFull', () => {
  it('a full quota is refused with a hint; with rotateWhenFull the older images go and the run succeeds', async () => {
    const family = `quota${Date.now() % 100000}`;
    const old: string[] = [];
    for (let i = 0; i < 3; i++) {
      if (i) await bench.emu.admin.advanceClock(1000); // one-second creation times: keep "newest" unambiguous
      old.push((await bakeImage(bench, { imageFamily: family })).imageId);
    }
    const used = (await bench.emu.admin.state()).images.filter((i) => i.region === REGION).length;
    await bench.emu.admin.config({ imageQuota: { [REGION]: used } });

    const instanceId = await bench.emu.admin.createInstance({ region: REGION });
    const refused = await failureOf(
      await bench.start({ region: REGION, instanceId, imageName: 'no-room', imageFamily: family }),
    );
    expect(refused.type).toBe('ImageQuotaExceeded');
    expect(refused.message).toContain('rotateWhenFull');

    const before = await bench.emu.admin.state();
    const handle = await bench.start({
      region: REGION,
      instanceId,
      imageName: 'made-room',
      imageFamily: family,
      rotateWhenFull: { keep: 1 },
    });
    const result = await handle.result();
    expect(result.rotatedImageIds).toEqual(old.slice(0, 2).sort());
    expect(result.warnings.join('\n')).toContain(`image quota of ${REGION} was full`);
    expect(result.stages.map((s) => s.name)).toContain('rotating');
    const ids = (await bench.emu.admin.state()).images.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining([old[2], result.imageId!]));
    for (const id of old.slice(0, 2)) expect(ids).not.toContain(id);
    expect(ids.length).toBe(before.images.length - 2 + 1);
  });

  // #13 item 6: without a family, "the family" is this pipeline's own images (same instance, same workflow
  // id); another pipeline's image and an image made outside the project must survive the rotation.
  it('without a family, only images this pipeline made are rotated', async () => {
    // Two images each: a rotation keeping 1 per pipeline would delete the other pipeline's older one.
    const bake = async (instanceId: string, n: number) => {
      const made: string[] = [];
      for (let i = 0; i < n; i++) {
        await bench.emu.admin.advanceClock(1000); // one-second creation times: keep "newest" unambiguous
        const handle = await bench.start({ region: REGION, instanceId, imageName: `img-${randomUUID().slice(0, 8)}` });
        made.push((await handle.result()).imageId!);
      }
      return made;
    };
    const instanceId = await bench.emu.admin.createInstance({ region: REGION });
    const others = await bake(await bench.emu.admin.createInstance({ region: REGION }), 2);
    const mine = await bake(instanceId, 2);
    const outside = await foreignImage(bench, `outside-${Date.now() % 100000}`);
    const used = (await bench.emu.admin.state()).images.filter((i) => i.region === REGION).length;
    await bench.emu.admin.config({ imageQuota: { [REGION]: used } });

    const result = await (
      await bench.start({ region: REGION, instanceId, imageName: 'mine-next', rotateWhenFull: { keep: 1 } })
    ).result();
    expect(result.rotatedImageIds).toEqual([mine[0]]);
    const ids = (await bench.emu.admin.state()).images.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining([...others, outside, mine[1], result.imageId!]));
    expect(ids).not.toContain(mine[0]);
  });

  it('when the rotation frees nothing, the refusal says so', async () => {
    const family = `full${Date.now() % 100000}`;
    await bakeImage(bench, { imageFamily: family });
    const used = (await bench.emu.admin.state()).images.filter((i) => i.region === REGION).length;
    await bench.emu.admin.config({ imageQuota: { [REGION]: used } });
    const instanceId = await bench.emu.admin.createInstance({ region: REGION });
    const failure = await failureOf(
      await bench.start({
        region: REGION,
        instanceId,
        imageName: 'still-full',
        imageFamily: family,
        rotateWhenFull: { keep: 5 },
      }),
    );
    expect(failure.type).toBe('ImageQuotaExceeded');
    expect(failure.message).toContain('rotateWhenFull kept the newest 5 of family');
    expect(failure.message).toContain('deleted 0 image(s): not enough');
  });
});

describe('copyToRegions and shareWith', () => {
  it('copies reach NORMAL in every region, the image is shared, and the result reports snapshot GB', async () => {
    const instanceId = await bench.emu.admin.createInstance({ region: REGION, dataDisks: [{ sizeGb: 20 }] });
    const result = await (
      await bench.start({
        region: REGION,
        instanceId,
        imageName: 'distributed',
        copyToRegions: COPY_REGIONS,
        shareWith: [ACCOUNT],
      })
    ).result();
    const state = await bench.emu.admin.state();
    expect(result.copies?.map((c) => c.region).sort()).toEqual([...COPY_REGIONS].sort());
    for (const copy of result.copies!) {
      expect(state.images.find((i) => i.id === copy.imageId)).toMatchObject({ region: copy.region, state: 'NORMAL' });
    }
    expect(result.sharedWith).toEqual([ACCOUNT]);
    expect(await sharedWith(result.imageId!)).toEqual([ACCOUNT]);
    // The image's 50 GB system-disk snapshot plus the 20 GB data-disk snapshot.
    expect(result.snapshotGb).toBe(70);
    expect(result.stages.map((s) => s.name)).toEqual(expect.arrayContaining(['copying-image', 'sharing-image']));
  });

  it('a launch that fails afterwards: copies deleted, image unshared and deleted, nothing left', async () => {
    const instanceId = await bench.emu.admin.createInstance({ region: REGION });
    await bench.emu.admin.faults({ rules: [{ action: 'RunInstances', resultState: 'LAUNCH_FAILED' }] });
    const before = await bench.emu.admin.state();
    const handle = await bench.start({
      region: REGION,
      instanceId,
      imageName: 'undone',
      copyToRegions: COPY_REGIONS,
      shareWith: [ACCOUNT],
      launch: { count: 1 },
    });
    const failure = await failureOf(handle);
    expect(failure.type).toBe('LaunchFailed');
    const { newImages, newSnapshots, newInstances, launchFailed } = await leftovers(bench.emu, before);
    expect({ newImages, newSnapshots, newInstances }).toEqual({ newImages: [], newSnapshots: [], newInstances: [] });
    // The LAUNCH_FAILED instance Tencent refuses to terminate is named in the failure.
    expect(launchFailed).toHaveLength(1);
    expect(failure.message).toContain(launchFailed[0].id);
    // Both undo steps ran (newest first), before the image itself was deleted.
    const history = await handle.fetchHistory();
    const undone = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter((n): n is string => Boolean(n));
    const order = ['unshareImage', 'deleteImageCopies', 'deleteImage'].map((n) => undone.lastIndexOf(n));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('refuses bad options before any cloud call, naming each field', async () => {
    const instanceId = await bench.emu.admin.createInstance({ region: REGION });
    const failure = await failureOf(
      await bench.start({
        region: REGION,
        instanceId,
        imageName: 'bad-options',
        copyToRegions: [REGION, 'mars-1'],
        shareWith: ['alice'],
        rotateWhenFull: { keep: 0 },
      }),
    );
    expect(failure.type).toBe('InvalidPipelineInput');
    for (const field of ['copyToRegions.1:', 'shareWith.0:', 'rotateWhenFull.keep:'])
      expect(failure.message).toContain(field);
  });
});
