/**
 * deleteCustomImage against the dev server and the emulator: the image before its snapshots (the
 * emulator refuses the other order, as Tencent does), every snapshot gone, safe to repeat, and the
 * refusals (foreign, shared, in use, bad input) that change nothing unless forced.
 */
import { errorCode } from '../helpers/emulator';
import {
  activityAttempts,
  bakeImage,
  foreignImage,
  holdPipelineOnImage,
  share,
  startLifecycle,
} from '../helpers/lifecycle';
import { callsBetween, failureOf, REGION, startBench, type PipelineBench } from '../helpers/pipeline';
import type { DeleteCustomImageResult } from '../../src/contract';

jest.setTimeout(90_000);

let bench: PipelineBench;
beforeAll(async () => {
  bench = await startBench();
  await bench.emu.admin.config({ imageQuota: 50 });
});
afterAll(async () => bench?.close());

const MUTATING = ['DeleteImages', 'DeleteSnapshots', 'ModifyImageSharePermission'];
const deleteImage = (input: object) => startLifecycle<DeleteCustomImageResult>(bench, 'deleteCustomImage', input);

async function emulatorHas(imageId: string, snapshotIds: string[]) {
  const state = await bench.emu.admin.state();
  return {
    image: state.images.some((i) => i.id === imageId),
    snapshots: snapshotIds.filter((id) => state.snapshots.some((s) => s.id === id)),
  };
}

/** Runs a deletion that must be refused; checks nothing was changed. */
async function refused(input: object, imageId: string) {
  const before = await bench.emu.admin.requests();
  const failure = await failureOf(await deleteImage(input));
  const calls = callsBetween(before, await bench.emu.admin.requests());
  for (const action of MUTATING) expect(calls[action]).toBeUndefined();
  expect((await emulatorHas(imageId, [])).image).toBe(true);
  return failure;
}

describe('deleteCustomImage', () => {
  it('deletes the image first, then the snapshots left; a bound snapshot deleted first is refused', async () => {
    const baked = await bakeImage(bench, {}, { dataDisks: [{ sizeGb: 30 }] });
    const image = (await bench.emu.admin.state()).images.find((i) => i.id === baked.imageId)!;
    const bound = image.snapshotIds;
    const dataDisk = baked.result.snapshotIds;
    expect(bound.length).toBe(1);
    expect(dataDisk.length).toBe(1);

    // The order the seed forbids: the emulator refuses it, as Tencent does, and nothing is deleted.
    const direct = bench.emu.clients.cbs(REGION).DeleteSnapshots({ SnapshotIds: bound });
    expect(await errorCode(direct)).toBe('UnsupportedOperation.SnapshotHasBindedImage');
    expect(await emulatorHas(baked.imageId, [...bound, ...dataDisk])).toEqual({
      image: true,
      snapshots: [...bound, ...dataDisk],
    });

    const before = await bench.emu.admin.requests();
    const handle = await deleteImage({ region: REGION, imageId: baked.imageId });
    const result = await handle.result();
    const calls = callsBetween(before, await bench.emu.admin.requests());

    expect(result.alreadyGone).toBe(false);
    expect(result.deletedSnapshotIds.sort()).toEqual([...bound, ...dataDisk].sort());
    expect(result.keptSnapshots).toEqual([]);
    expect(result.freedSnapshotGb).toBe(50 + 30); // the default 50 GB system disk + the 30 GB data disk
    expect(await emulatorHas(baked.imageId, [...bound, ...dataDisk])).toEqual({ image: false, snapshots: [] });

    // One DeleteImages (which took the bound snapshot), then one DeleteSnapshots for the data-disk one.
    expect(calls.DeleteImages).toBe(1);
    expect(calls.DeleteSnapshots).toBe(1);
    // Image before snapshots, and no step needed a second attempt (no refused deletion on the way).
    const steps = await activityAttempts(handle);
    expect(steps.map((s) => s.type)).toEqual([
      'inspectImage',
      'findImagesInUse',
      'findRunCopies', // none: the run made no copy (#13 item 11)
      'deleteImageWithBoundSnapshots',
      'waitForImagesGone',
      'deleteLeftoverSnapshots',
      'waitForSnapshotsGone',
    ]);
    expect(steps.every((s) => s.attempt === 1)).toBe(true);
  });

  it('is idempotent: a lost DeleteImages answer is retried, and a second run finds nothing to do', async () => {
    const baked = await bakeImage(bench);
    const bound = (await bench.emu.admin.state()).images.find((i) => i.id === baked.imageId)!.snapshotIds;
    await bench.emu.admin.faults({ rules: [{ action: 'DeleteImages', commitThenDrop: true, count: 1 }] });
    try {
      const handle = await deleteImage({ region: REGION, imageId: baked.imageId });
      const result = await handle.result();
      expect(result.alreadyGone).toBe(false);
      expect(result.deletedSnapshotIds).toEqual(bound);
      const step = (await activityAttempts(handle)).find((s) => s.type === 'deleteImageWithBoundSnapshots');
      expect(step?.attempt).toBe(2); // the first attempt deleted the image but never heard back
    } finally {
      await bench.emu.admin.clearFaults();
    }
    expect(await emulatorHas(baked.imageId, bound)).toEqual({ image: false, snapshots: [] });

    const before = await bench.emu.admin.requests();
    const again = await (await deleteImage({ region: REGION, imageId: baked.imageId })).result();
    expect(again).toMatchObject({ imageId: baked.imageId, alreadyGone: true, deletedSnapshotIds: [] });
    const calls = callsBetween(before, await bench.emu.admin.requests());
    for (const action of MUTATING) expect(calls[action]).toBeUndefined();
  });

  it('refuses an image this project did not make, unless forced', async () => {
    const imageId = await foreignImage(bench, 'made-by-hand');
    const failure = await refused({ region: REGION, imageId }, imageId);
    expect(failure.type).toBe('ImageNotMadeByPipeline');
    expect(failure.message).toContain(`image ${imageId} ("made-by-hand") was not made by cvm-image-pipeline`);
    expect(failure.message).toContain('nothing was changed');

    const forced = await (await deleteImage({ region: REGION, imageId, force: true })).result();
    expect(forced.alreadyGone).toBe(false);
    expect((await emulatorHas(imageId, [])).image).toBe(false);
  });

  it('refuses a shared image; forced, it is unshared and deleted', async () => {
    const { imageId } = await bakeImage(bench);
    await share(bench, imageId, '200000000042');
    const failure = await refused({ region: REGION, imageId }, imageId);
    expect(failure.type).toBe('ImageShared');
    expect(failure.message).toContain('is shared with 200000000042');

    const forced = await (await deleteImage({ region: REGION, imageId, force: true })).result();
    expect(forced.unsharedFrom).toEqual(['200000000042']);
    expect((await emulatorHas(imageId, [])).image).toBe(false);
  });

  it('refuses a public image even when forced, and bad input before any cloud call', async () => {
    const publicId = 'img-487zeit5';
    const before = await bench.emu.admin.requests();
    const pub = await failureOf(await deleteImage({ region: REGION, imageId: publicId, force: true }));
    expect(pub.type).toBe('NotACustomImage');
    expect(pub.message).toContain('is a PUBLIC_IMAGE, not a custom image');

    const calls = callsBetween(before, await bench.emu.admin.requests());
    for (const action of MUTATING) expect(calls[action]).toBeUndefined();

    const beforeBad = await bench.emu.admin.requests();
    const bad = await failureOf(await deleteImage({ region: 'mars-1', imageId: 'img-1', extra: 1 }));
    expect(bad.type).toBe('InvalidLifecycleInput');
    for (const field of ['region:', 'imageId:', 'extra:']) expect(bad.message).toContain(field);
    expect(callsBetween(beforeBad, await bench.emu.admin.requests())).toEqual({});
  });

  // Last: the held pipeline's snapshot wait goes on polling for a moment after it is terminated.
  it('refuses the image a running pipeline is working on', async () => {
    const held = await holdPipelineOnImage(bench);
    try {
      const failure = await refused({ region: REGION, imageId: held.imageId }, held.imageId);
      expect(failure.type).toBe('ImageInUse');
      expect(failure.message).toContain(`in use by running pipeline ${held.handle.workflowId}`);
    } finally {
      await held.handle.terminate('test done');
    }
  });
});
