/**
 * Data safety (#13), against the dev server and the emulator through the real SDK: whatever one answer
 * of the cloud or one operator does, no pipeline loses its image and no source instance is left down.
 */
import type { FixtureInstance } from '../../src/emulator/cvm/fixtures';
import { FAST_DURATIONS, waitFor } from '../helpers/emulator';
import { instanceView, leftovers, progressWhen, REGION, startBench, type PipelineBench } from '../helpers/pipeline';

jest.setTimeout(60_000);

let bench: PipelineBench;
beforeAll(async () => {
  bench = await startBench();
});
afterAll(async () => bench?.close());
afterEach(async () => {
  await bench.emu.admin.clearFaults();
  await bench.emu.admin.config({ durations: FAST_DURATIONS });
});

/** Created from a public image after 2018-07-01, no data disk: imaged online, nothing else to do. */
const plainOnline = (): FixtureInstance => ({
  region: REGION,
  createdTime: '2023-06-01T00:00:00Z',
  sourceImageType: 'PUBLIC_IMAGE',
});

describe('#13 item 1: one bad answer to the shared DescribeImages', () => {
  it('AuthFailure.SignatureExpire once: every pipeline waiting in the region still completes', async () => {
    const { emu } = bench;
    await emu.admin.config({ durations: { ...FAST_DURATIONS, imageCreateMs: 2500 } });
    const ids = await Promise.all([1, 2, 3].map(() => emu.admin.createInstance(plainOnline())));
    const state0 = await emu.admin.state();
    const handles = await Promise.all(
      ids.map((instanceId, n) => bench.start({ region: REGION, instanceId, imageName: `one-bad-answer-${n}` })),
    );
    await Promise.all(handles.map((h) => progressWhen(h, (p) => p.stage === 'waiting-for-image', 'image wait')));
    await emu.admin.faults({
      rules: [{ action: 'DescribeImages', region: REGION, error: 'AuthFailure.SignatureExpire', count: 1 }],
    });
    const results = await Promise.all(handles.map((h) => h.result()));
    expect(results.map((r) => r.imageId)).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
    expect((await emu.admin.listFaults()).fired).toBe(1);
    const { newImages } = await leftovers(emu, state0);
    expect(newImages.map((i) => i.id).sort()).toEqual(results.map((r) => r.imageId).sort());
    for (const id of ids) expect((await instanceView(emu, id)).state).toBe('RUNNING');
  });
});

describe('#13 item 4: copyToRegions adopts only its own copies', () => {
  it('a leftover copy of another (deleted) image with the same name is neither reported nor touched', async () => {
    const { emu } = bench;
    const COPY_REGION = 'ap-shanghai';
    const state = async (id: string) => (await emu.admin.state()).images.find((i) => i.id === id)?.state;
    // Someone else's image "published", copied to ap-shanghai, then deleted at home: its copy stays.
    const other = await emu.admin.createInstance(plainOnline());
    const cvm = emu.clients.cvm(REGION);
    const { ImageId: foreign } = await cvm.CreateImage({ InstanceId: other, ImageName: 'published' });
    await waitFor(async () => (await state(foreign!)) === 'NORMAL', { what: 'the foreign image' });
    const sync = await cvm.SyncImages({
      ImageIds: [foreign!],
      DestinationRegions: [COPY_REGION],
      ImageSetRequired: true,
    });
    const leftover = sync.ImageSet![0].ImageId!;
    await waitFor(async () => (await state(leftover)) === 'NORMAL', { what: 'the foreign copy' });
    await cvm.DeleteImages({ ImageIds: [foreign!], DeleteBindedSnap: true });
    await waitFor(async () => (await state(foreign!)) === undefined, { what: 'the foreign image gone' });

    const instanceId = await emu.admin.createInstance(plainOnline());
    const result = await (
      await bench.start({ region: REGION, instanceId, imageName: 'published', copyToRegions: [COPY_REGION] })
    ).result();
    expect(result.copies).toHaveLength(1);
    expect(result.copies![0].imageId).not.toBe(leftover);
    expect(await state(result.copies![0].imageId)).toBe('NORMAL');
    expect(await state(leftover)).toBe('NORMAL');
  });
});
