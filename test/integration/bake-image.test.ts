/**
 * bakeImage against the real dev server and the emulator: an example recipe bakes a NORMAL image whose guest
 * files hold what provisioning wrote, verification runs on an instance launched from it and no instance is
 * left; a failing provisioning step and a cancel during provisioning leave the cloud as before.
 */
import { join } from 'node:path';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { bakeWorkflowId, type BakeImageInput, type BakeProgress } from '../../src/contract';
import type { bakeImage } from '../../src/workflows/bake-image';
import type { refreshCustomImage } from '../../src/workflows/refresh-custom-image';
import { readRecipe } from '../../src/client/recipe-file';
import { FAST_DURATIONS, waitFor } from '../helpers/emulator';
import { failureOf, leftovers, startBench, type PipelineBench } from '../helpers/pipeline';

jest.setTimeout(90_000);

let bench: PipelineBench;
beforeAll(async () => {
  bench = await startBench();
});
afterAll(async () => bench?.close());

const start = (recipe: BakeImageInput) =>
  bench.client.workflow.start<typeof bakeImage>('bakeImage', {
    taskQueue: bench.taskQueue,
    workflowId: bakeWorkflowId(recipe.region, recipe.image.name),
    workflowIdConflictPolicy: 'FAIL',
    args: [recipe],
  });

async function noLeftovers(before: Awaited<ReturnType<PipelineBench['emu']['admin']['state']>>) {
  const { newImages, newSnapshots, newInstances, newDisks } = await leftovers(bench.emu, before);
  return {
    newImages: newImages.map((i) => i.id),
    newSnapshots: newSnapshots.map((s) => s.id),
    newInstances: newInstances.map((i) => `${i.id} ${i.state}`),
    newDisks: newDisks.map((d) => d.id),
  };
}
const NOTHING = { newImages: [], newSnapshots: [], newInstances: [], newDisks: [] };

it('bakes recipes/nginx-ubuntu.yaml: NORMAL image with the provisioned files, verified, no instance left', async () => {
  const recipe = await readRecipe(join(__dirname, '../../recipes/nginx-ubuntu.yaml'));
  const before = await bench.emu.admin.state();
  const result = await (await start(recipe)).result();

  expect(result.imageId).toMatch(/^img-/);
  expect(result.steps.map((s) => `${s.phase}:${s.name}:${s.exitCode}`)).toEqual([
    'provision:install-nginx:0',
    'provision:home-page:0',
    'verify:page-in-place:0',
  ]);
  expect(result.steps[2].output).toContain('home page served');
  const { newImages, newInstances } = await leftovers(bench.emu, before);
  expect(newInstances).toEqual([]);
  expect(newImages.map((i) => [i.id, i.state])).toEqual([[result.imageId, 'NORMAL']]);
  const files = newImages[0].files as Record<string, string>;
  expect(files['/var/www/html/index.html']).toContain('baked by cvm-image from a recipe');
  expect(files['/etc/nginx/sites-enabled/default']).toContain('listen 80');
  // Tencent strips /var/log and .bash_history from an image (seed document, Cautions).
  expect(Object.keys(files).filter((f) => f.startsWith('/var/log/') || f.endsWith('.bash_history'))).toEqual([]);
});

it('a failing provisioning step fails the bake with its output and leaves the cloud as before', async () => {
  const before = await bench.emu.admin.state();
  const handle = await start({
    version: 1,
    region: 'ap-guangzhou',
    zone: 'ap-guangzhou-3',
    instanceType: 'S5.MEDIUM2',
    baseImage: { osName: 'Ubuntu Server 22.04 LTS 64bit' },
    image: { name: 'bake-fails' },
    provision: [
      { name: 'writes', file: { path: '/opt/x.txt', content: 'x' } },
      { name: 'breaks', shell: 'echo "token=s3cret oops"; exit 3' },
    ],
  });
  const err = await failureOf(handle);
  expect(err.type).toBe('GuestCommandFailed');
  expect(err.message).toMatch(/exit code 3/);
  expect(err.message).toContain('token=***');
  expect(err.message).not.toContain('s3cret');
  expect(err.message).toMatch(/undone: terminate the builder instance ins-/);
  expect(await noLeftovers(before)).toEqual(NOTHING);
});

// The chaos invariant for a bake: a cancel at each stage that changed the cloud leaves it as before.
it.each([
  ['launching-builder', { instanceLaunchMs: 2500 }],
  ['provisioning', {}],
  ['imaging', { imageCreateMs: 3000 }],
  ['verifying', {}],
] as const)('a cancel during %s leaves the cloud as before', async (stage, slow) => {
  await bench.emu.admin.config({ durations: { ...FAST_DURATIONS, ...slow } });
  const before = await bench.emu.admin.state();
  const handle = await start({
    version: 1,
    region: 'ap-guangzhou',
    zone: 'ap-guangzhou-3',
    instanceType: 'S5.MEDIUM2',
    baseImage: { osName: 'Ubuntu Server 22.04 LTS 64bit' },
    image: { name: `bake-cancelled-${stage}` },
    dataDisks: [{ sizeGb: 20 }],
    provision: [{ name: 'slow', timeout: '1m', shell: 'sleep 2; echo done' }],
    verify: [{ name: 'slow-check', timeout: '1m', shell: 'sleep 2; echo ok' }],
  });
  // 'verifying' is entered before the test instance is launched; its data disk is checked once the instance exists.
  const reached = (p: BakeProgress): boolean => p.stage === stage && (stage !== 'verifying' || !!p.testInstanceId);
  await waitFor(async () => (reached(await handle.query<BakeProgress>('progress')) ? true : undefined), {
    what: `the bake to be ${stage}`,
    timeoutMs: 30_000,
    intervalMs: 20,
  });
  if (stage === 'verifying') {
    // The whole-machine image's data disk is stated to RunInstances, so the test instance has it too.
    const { testInstanceId } = await handle.query<BakeProgress>('progress');
    const state = await bench.emu.admin.state();
    expect(state.disks.filter((d) => d.instanceId === testInstanceId && d.usage === 'DATA_DISK')).toHaveLength(1);
  }
  await handle.cancel();
  const err = await handle.result().then(
    () => undefined,
    (e) => e,
  );
  await bench.emu.admin.config({ durations: FAST_DURATIONS });
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  expect((await handle.query<BakeProgress>('progress')).undone?.join('; ')).toMatch(
    /terminate the builder instance ins-/,
  );
  expect(await noLeftovers(before)).toEqual(NOTHING);
});

it('refreshCustomImage rebuilds from a recipe: a dated image name, baked from scratch', async () => {
  const before = await bench.emu.admin.state();
  const handle = await bench.client.workflow.start<typeof refreshCustomImage>('refreshCustomImage', {
    taskQueue: bench.taskQueue,
    workflowId: 'refresh-from-recipe',
    args: [
      {
        recipe: {
          version: 1,
          region: 'ap-guangzhou',
          zone: 'ap-guangzhou-3',
          instanceType: 'S5.MEDIUM2',
          baseImage: { osName: 'Ubuntu Server 22.04 LTS 64bit' },
          image: { name: 'nightly' },
          provision: [{ name: 'stamp', file: { path: '/etc/nightly', content: 'rebuilt' } }],
        },
      },
    ],
  });
  const out = await handle.result();
  expect(out.imageName).toMatch(/^nightly-\d{8}-\d{6}$/);
  expect(out.workflowId).toBe(`cvm-image-bake/ap-guangzhou/${out.imageName}`);
  const { newImages, newInstances } = await leftovers(bench.emu, before);
  expect(newInstances).toEqual([]);
  expect(newImages.map((i) => [i.id, i.name, i.state])).toEqual([[out.result.imageId, out.imageName, 'NORMAL']]);
  expect((newImages[0].files as Record<string, string>)['/etc/nightly']).toBe('rebuilt');
});

it('a bad recipe is refused by the workflow itself, naming the field, with nothing changed', async () => {
  const before = await bench.emu.admin.state();
  const base = {
    version: 1 as const,
    region: 'ap-guangzhou',
    zone: 'ap-guangzhou-3',
    instanceType: 'S5.MEDIUM2',
    image: { name: 'bake-refused' },
    provision: [{ name: 'a', shell: 'true' }],
  };
  const unknownOs = await failureOf(await start({ ...base, baseImage: { osName: 'Plan 9 from Bell Labs' } }));
  expect(unknownOs.type).toBe('InvalidRecipe');
  expect(unknownOs.message).toMatch(/baseImage\.osName: no public image named "Plan 9 from Bell Labs"/);
  const badZone = await failureOf(
    await start({
      ...base,
      image: { name: 'bake-refused-2' },
      zone: 'ap-beijing-1',
      baseImage: { imageId: 'img-487zeit5' },
    }),
  );
  expect(badZone.type).toBe('InvalidRecipe');
  expect(badZone.message).toMatch(/zone: must be a zone of region ap-guangzhou/);
  expect(await noLeftovers(before)).toEqual(NOTHING);
});
