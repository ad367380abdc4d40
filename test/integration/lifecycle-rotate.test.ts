/**
 * rotateImages against the dev server and the emulator: keeps exactly the newest N per group, deletes
 * the rest through deleteCustomImage children, and never touches foreign, shared or in-use images; a
 * dry run lists the same deletions and changes nothing. Each test expects what the images still there
 * call for, so any one of them runs alone or in any order (`-t`).
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { bakeImage, foreignImage, holdPipelineOnImage, share, startLifecycle } from '../helpers/lifecycle';
import { callsBetween, REGION, startBench, type PipelineBench, type PipelineHandle } from '../helpers/pipeline';
import { deleteWorkflowId, type RotateImagesResult } from '../../src/contract';

jest.setTimeout(120_000);

let bench: PipelineBench;
let held: { handle: PipelineHandle; imageId: string } | undefined;
const web: string[] = []; // rotatable project images of family "web", oldest first
const db: string[] = [];
let sharedImage: string;
let foreign: string;

/** Image creation times have one-second resolution: space the images so "newest" is unambiguous. */
async function bakeSpaced(family: string): Promise<string> {
  await bench.emu.admin.advanceClock(1000);
  return (await bakeImage(bench, { imageFamily: family })).imageId;
}

beforeAll(async () => {
  bench = await startBench();
  await bench.emu.admin.config({ imageQuota: 50 });
  // Oldest first: the in-use, shared and foreign images are the ones a wrong rotation would delete.
  held = await holdPipelineOnImage(bench, { imageFamily: 'web' });
  sharedImage = await bakeSpaced('web');
  await share(bench, sharedImage);
  await bench.emu.admin.advanceClock(1000);
  foreign = await foreignImage(bench, 'hand-made-web', 'web');
  for (let i = 0; i < 4; i++) web.push(await bakeSpaced('web'));
  for (let i = 0; i < 2; i++) db.push(await bakeSpaced('db'));
}, 120_000);

afterAll(async () => {
  await held?.handle.terminate('test done').catch(() => undefined);
  await bench?.close();
});

const rotate = async (input: object) =>
  (await startLifecycle<RotateImagesResult>(bench, 'rotateImages', { region: REGION, ...input })).result();
const imageIds = async () => (await bench.emu.admin.state()).images.map((i) => i.id).sort();
const snapshotIds = async () => (await bench.emu.admin.state()).snapshots.map((s) => s.id).sort();
const MUTATING = ['DeleteImages', 'DeleteSnapshots', 'ModifyImageSharePermission'];
/** Those of `ids` (oldest first) still in the emulator. */
const existing = async (ids: string[]) => {
  const left = new Set(await imageIds());
  return ids.filter((id) => left.has(id));
};

async function deletionStarted(imageId: string): Promise<boolean> {
  try {
    await bench.client.workflow.getHandle(deleteWorkflowId(REGION, imageId)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

describe('rotateImages', () => {
  // Only the keep-2 test deletes (in the family "web", keeping 2); the others plan (dry run) or use their own family.
  it('dry run: lists the oldest rotatable images beyond the newest, spares the rest, and changes nothing', async () => {
    const live = await existing(web);
    const planned = live.slice(0, -1);
    expect(planned.length).toBeGreaterThan(0);
    const [images0, snapshots0, requests0] = [await imageIds(), await snapshotIds(), await bench.emu.admin.requests()];
    const result = await rotate({ keep: 1, imageFamily: 'web', dryRun: true });
    expect(result.dryRun).toBe(true);
    expect([...result.deleted].sort()).toEqual([...planned].sort());

    const action = (id: string) => result.entries.find((e) => e.imageId === id);
    expect(action(live.at(-1)!)).toMatchObject({ action: 'keep', group: 'family:web' });
    expect(action(held!.imageId)).toMatchObject({ action: 'spare' });
    expect(action(held!.imageId)?.reason).toContain(`in use by running pipeline ${held!.handle.workflowId}`);
    expect(action(sharedImage)).toMatchObject({ action: 'spare', reason: 'shared with 1 account(s)' });
    expect(action(foreign)).toMatchObject({ action: 'spare', reason: 'not made by cvm-image-pipeline' });
    for (const id of db) expect(action(id)).toBeUndefined(); // another family: out of scope

    expect(await imageIds()).toEqual(images0);
    expect(await snapshotIds()).toEqual(snapshots0);
    const calls = callsBetween(requests0, await bench.emu.admin.requests());
    for (const a of MUTATING) expect(calls[a]).toBeUndefined();
    for (const id of planned) expect(await deletionStarted(id)).toBe(false);
  });

  it('keeps exactly the newest 2 of the family and deletes the planned ones through child workflows', async () => {
    const live = await existing(web);
    const planned = live.slice(0, -2);
    expect(planned.length).toBeGreaterThan(0);
    const bound = (await bench.emu.admin.state()).images
      .filter((i) => planned.includes(i.id))
      .flatMap((i) => i.snapshotIds);
    expect(bound.length).toBe(planned.length); // one bound snapshot each
    const result = await rotate({ keep: 2, imageFamily: 'web' });
    expect(result.deleted).toEqual([...planned].sort());
    expect(result.notDeleted).toEqual([]);

    const left = await imageIds();
    for (const id of planned) expect(left).not.toContain(id);
    for (const id of [...live.slice(-2), held!.imageId, sharedImage, foreign, ...(await existing(db))])
      expect(left).toContain(id);
    for (const id of planned) {
      const child = await bench.client.workflow.getHandle(deleteWorkflowId(REGION, id)).describe();
      expect(child.status.name).toBe('COMPLETED');
    }
    // The deleted images' snapshots went with them.
    const snapshots = await snapshotIds();
    for (const id of bound) expect(snapshots).not.toContain(id);
  });

  it('without a family, plans each family as its own group', async () => {
    const [liveWeb, liveDb] = [await existing(web), await existing(db)];
    const planned = [...liveWeb.slice(0, -1), ...liveDb.slice(0, -1)];
    expect(liveDb.slice(0, -1).length).toBeGreaterThan(0);
    const images0 = await imageIds();
    const result = await rotate({ keep: 1, dryRun: true });
    expect([...result.deleted].sort()).toEqual([...planned].sort());
    const action = (id: string) => result.entries.find((e) => e.imageId === id);
    expect(action(liveWeb.at(-1)!)).toMatchObject({ action: 'keep', group: 'family:web' });
    expect(action(liveDb.at(-1)!)).toMatchObject({ action: 'keep', group: 'family:db' });
    for (const id of [held!.imageId, sharedImage, foreign]) expect(action(id)).toMatchObject({ action: 'spare' });
    expect(await imageIds()).toEqual(images0);
  });

  it('once the pipeline has ended, its image is no longer spared', async () => {
    // Its own pipeline and family: the one the other tests hold stays running.
    const own = await holdPipelineOnImage(bench, { imageFamily: 'ended' });
    await bench.emu.admin.advanceClock(1000);
    await bakeImage(bench, { imageFamily: 'ended' });
    const spared = await rotate({ keep: 1, imageFamily: 'ended', dryRun: true });
    expect(spared.entries.find((e) => e.imageId === own.imageId)).toMatchObject({ action: 'spare' });
    await own.handle.terminate('pipeline abandoned');
    const result = await rotate({ keep: 1, imageFamily: 'ended', dryRun: true });
    expect(result.entries.find((e) => e.imageId === own.imageId)).toMatchObject({ action: 'delete' });
  });
});
