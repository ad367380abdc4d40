/**
 * The contract suite (`npm run test:contract`, test/contract/): its emulator run passes every scenario through
 * the real SDK; live mode's dry run prints the plan and ceiling and calls nothing, never printing credentials;
 * the ceiling refuses; cleanup by tag removes a crashed run's leftovers and nothing else.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupByTag } from '../contract/cleanup';
import { NAME_PREFIX, RUN_TAG_KEY } from '../contract/context';
import { runContract } from '../contract/main';
import type { ParityReport } from '../contract/report';
import { SCENARIOS } from '../contract/scenarios';
import { startTestEmulator, waitFor } from '../helpers/emulator';

const dir = mkdtempSync(join(tmpdir(), 'contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET_ID = 'AKIDcontractSuiteMarkerId000000000';
const SECRET_KEY = 'contractSuiteMarkerKey00000000000';
const liveEnv = { TENCENTCLOUD_SECRET_ID: SECRET_ID, TENCENTCLOUD_SECRET_KEY: SECRET_KEY };

test('against the emulator every scenario passes and the parity report records them', async () => {
  const reportFile = join(dir, 'report.json');
  const lines: string[] = [];
  const out = await runContract({
    target: 'emulator',
    maxCostCny: 5,
    hours: 2,
    reportFile,
    log: (l) => lines.push(l),
  });
  expect(out.results?.map((r) => [r.scenario, r.outcome, r.error])).toEqual(
    SCENARIOS.map((s) => [s.id, 'passed', undefined]),
  );
  // The scenarios delete what they made themselves: the end-of-run pass finds nothing to remove.
  expect(out.removed).toEqual([]);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ParityReport;
  expect(report.emulator?.results).toHaveLength(SCENARIOS.length);
  expect(report.live).toBeUndefined();
  expect(report.differences).toEqual([]);
  const sync = report.emulator!.results.find((r) => r.scenario === 'sync-images')!;
  expect(sync.facts).toEqual({
    copySource: 'CREATE_IMAGE',
    copyTagged: false,
    syncAgain: 'InvalidImageName.Duplicate',
  });
});

test('every scenario also passes against an emulator whose Describe* lag by 2 s', async () => {
  const out = await runContract({
    target: 'emulator',
    maxCostCny: 5,
    hours: 2,
    reportFile: join(dir, 'lagged.json'),
    emulatorLagMs: 2000,
    log: () => {},
  });
  expect(out.results?.filter((r) => r.outcome !== 'passed')).toEqual([]);
  // The lag was in force: the image was listed only 1–2 s after it was created (lag counted from its second).
  const image = out.results!.find((r) => r.scenario === 'image-tagged')!;
  expect(image.timingsMs.imageListed).toBeGreaterThanOrEqual(900);
});

test('live --dry-run prints the plan and the ceiling, calls nothing and never prints the credentials', async () => {
  const lines: string[] = [];
  const out = await runContract({
    target: 'live',
    dryRun: true,
    maxCostCny: 5,
    hours: 2,
    reportFile: join(dir, 'never.json'),
    env: liveEnv,
    log: (l) => lines.push(l),
  });
  const text = lines.join('\n');
  for (const s of SCENARIOS) expect(text).toContain(s.id);
  expect(text).toMatch(/Cost ceiling: \d+\.\d\d CNY/);
  expect(text).toContain('Credentials: set in the environment');
  expect(text).toContain('Dry run: nothing called.');
  expect(text).not.toContain(SECRET_ID);
  expect(text).not.toContain(SECRET_KEY);
  expect(out.results).toBeUndefined();
  expect(out.plan.ceilingCny).toBeGreaterThan(0);
  // Without a share account the sharing scenario is planned as skipped, and costs nothing.
  expect(out.plan.lines.find((l) => l.scenario === 'share-idempotent')?.skipped).toMatch(/CVM_IMAGE_CONTRACT_SHARE/);
});

test('a cost ceiling above --max-cost refuses to start', async () => {
  const out = await runContract({
    target: 'live',
    maxCostCny: 0.5,
    hours: 2,
    reportFile: join(dir, 'never.json'),
    env: liveEnv,
    log: () => {},
  });
  expect(out.refused).toMatch(/cost ceiling \d+\.\d\d CNY is above --max-cost 0\.50 CNY/);
  expect(out.results).toBeUndefined();
});

test("cleanup by tag removes a crashed run's instance, image and unnamed copy, and nothing else", async () => {
  const emu = await startTestEmulator();
  try {
    const region = 'ap-guangzhou';
    const cvm = emu.clients.cvm(region);
    const tag = { Key: RUN_TAG_KEY, Value: 'crashedrun' };
    const launch = async (tags: (typeof tag)[]) =>
      (
        await cvm.RunInstances({
          ImageId: 'img-487zeit5',
          Placement: { Zone: `${region}-3` },
          TagSpecification: tags.length ? [{ ResourceType: 'instance', Tags: tags }] : undefined,
        })
      ).InstanceIdSet![0];
    const ours = await launch([tag]);
    const other = await launch([]);
    const state = async (id: string) =>
      (await cvm.DescribeInstances({ InstanceIds: [id] })).InstanceSet?.[0]?.InstanceState;
    await waitFor(async () => (await state(ours)) === 'RUNNING' && (await state(other)) === 'RUNNING');
    const image = (
      await cvm.CreateImage({
        InstanceId: ours,
        ImageName: `${NAME_PREFIX}-crashedrun`,
        TagSpecification: [{ ResourceType: 'image', Tags: [tag] }],
      })
    ).ImageId!;
    await waitFor(async () => (await cvm.DescribeImages({ ImageIds: [image] })).ImageSet?.[0]?.ImageState === 'NORMAL');
    const copy = (
      await cvm.SyncImages({ ImageIds: [image], DestinationRegions: ['ap-shanghai'], ImageSetRequired: true })
    ).ImageSet![0].ImageId!;

    // Still SYNCING: the pass waits for the copy to settle, then deletes it (found by name: copies carry no tags).
    const removed = await cleanupByTag(emu.clients, [region, 'ap-shanghai'], { pollMs: 50, waitMs: 10_000 });
    expect(removed.map((r) => [r.kind, r.id, r.outcome]).sort()).toEqual(
      [
        ['image', image, 'removed'],
        ['image', copy, 'removed'],
        ['instance', ours, 'removed'],
      ].sort(),
    );
    await waitFor(async () => ['SHUTDOWN', 'TERMINATING', undefined].includes(await state(ours)));
    expect(await state(other)).toBe('RUNNING');
  } finally {
    await emu.close();
  }
});
