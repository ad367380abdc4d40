/**
 * Schedules and snapshot cost, as operators use them: Temporal Schedules that fire on a short interval
 * and start rotateImages / refreshCustomImage on a real worker, and `cvm-image schedule …` / `cvm-image
 * cost` as child processes against the suite's dev server, the emulator and that worker.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { deleteImageSchedule, listImageSchedules, scheduleRefresh, scheduleRotation } from '../../src/client/schedules';
import type { ImageInventoryResult } from '../../src/contract';
import { waitFor } from '../helpers/emulator';
import { REGION } from '../helpers/pipeline';
import { runCli, startStack, type Stack } from '../helpers/stack';

jest.setTimeout(180_000);

let stack: Stack;
const schedules: string[] = [];
beforeAll(async () => {
  stack = await startStack();
  await stack.emulator.admin.config({ imageQuota: 50 });
}, 180_000);
afterAll(async () => {
  for (const id of schedules) await deleteImageSchedule(stack.client.temporal, id).catch(() => undefined);
  await stack?.stop();
});

const cli = (...args: string[]) => runCli(args, stack.env);
const temporal = () => stack.client.temporal;
const images = async () => (await stack.emulator.admin.state()).images;

async function bake(imageName: string, over: object = {}, instance: object = {}): Promise<string> {
  const instanceId = await stack.emulator.admin.createInstance({ region: REGION, ...instance });
  const { workflowId } = await stack.client.start({ region: REGION, instanceId, imageName, ...over });
  return (await stack.client.result(workflowId)).imageId!;
}

/** The workflows a schedule has started so far (its recent actions). */
async function startedBy(scheduleId: string): Promise<string[]> {
  const d = await temporal().schedule.getHandle(scheduleId).describe();
  return d.info.recentActions.map((a) => (a.action.type === 'startWorkflow' ? a.action.workflow.workflowId : '?'));
}

describe('schedules', () => {
  it('a rotation schedule fires on its interval and its rotateImages run deletes the older image', async () => {
    const family = `sched${randomUUID().slice(0, 6)}`;
    const older = await bake(`${family}-1`, { imageFamily: family });
    await stack.emulator.admin.advanceClock(1000); // creation times have one-second resolution
    const newer = await bake(`${family}-2`, { imageFamily: family });

    const scheduleId = await scheduleRotation(
      temporal(),
      { region: REGION, keep: 1, imageFamily: family },
      { taskQueue: stack.taskQueue, timing: { every: '1s' }, scheduleId: `test-rotate-${family}` },
    );
    schedules.push(scheduleId);
    const [first] = await waitFor(
      async () => {
        const started = await startedBy(scheduleId);
        return started.length ? started : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the schedule to start a rotation' },
    );
    await deleteImageSchedule(temporal(), scheduleId);

    expect(first.startsWith(`${scheduleId}-`)).toBe(true);
    const run = temporal().workflow.getHandle(first);
    expect((await run.describe()).type).toBe('rotateImages');
    const result = await run.result();
    expect(result.deleted).toEqual([older]);
    const left = (await images()).map((i) => i.id);
    expect(left).toContain(newer);
    expect(left).not.toContain(older);
  });

  it('a refresh schedule starts createCustomImage with a dated image name', async () => {
    const instanceId = await stack.emulator.admin.createInstance({ region: REGION });
    const prefix = `nightly-${randomUUID().slice(0, 6)}`;
    const scheduleId = await scheduleRefresh(
      temporal(),
      { region: REGION, instanceId, imageName: prefix, imageFamily: 'nightly' },
      { taskQueue: stack.taskQueue, timing: { every: '1s' } },
    );
    schedules.push(scheduleId);
    expect(scheduleId).toBe(`cvm-image-refresh/${REGION}/${instanceId}`);
    const [first] = await waitFor(
      async () => {
        const started = await startedBy(scheduleId);
        return started.length ? started : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the schedule to start a refresh' },
    );
    await deleteImageSchedule(temporal(), scheduleId);

    const refresh = await temporal().workflow.getHandle(first).result();
    expect(refresh.workflowId).toBe(`cvm-image/${REGION}/${instanceId}`);
    expect(refresh.imageName).toMatch(new RegExp(`^${prefix}-\\d{8}-\\d{6}$`));
    const image = (await images()).find((i) => i.id === refresh.result.imageId);
    expect(image).toMatchObject({ name: refresh.imageName, state: 'NORMAL', family: 'nightly' });
    // The child is an ordinary pipeline: `cvm-image status` and `list` find it under the recommended id.
    expect((await stack.client.describe(refresh.workflowId)).imageId).toBe(image!.id);
  });

  it('refuses bad schedules before creating anything', async () => {
    const id = `test-bad-${randomUUID().slice(0, 6)}`;
    await expect(
      scheduleRotation(
        temporal(),
        { region: 'mars-1', keep: 0 },
        { taskQueue: stack.taskQueue, timing: { every: '1d' }, scheduleId: id },
      ),
    ).rejects.toThrow(/region: must be a Tencent Cloud region.*keep: must be at least 1/);
    await expect(
      scheduleRefresh(
        temporal(),
        { region: REGION, instanceId: 'ins-12345678', imageName: 'x'.repeat(45) },
        { taskQueue: stack.taskQueue, timing: { every: '1d' }, scheduleId: id },
      ),
    ).rejects.toThrow(/pipeline.imageName: the name prefix must be at most 44 characters/);
    await expect(
      scheduleRotation(
        temporal(),
        { region: REGION, keep: 1 },
        { taskQueue: stack.taskQueue, timing: { every: '0s' }, scheduleId: id },
      ),
    ).rejects.toThrow(/every: must be a duration of at least 1s/);
    expect((await listImageSchedules(temporal())).map((s) => s.scheduleId)).not.toContain(id);
  });
});

describe('cvm-image schedule and cost', () => {
  it('schedule rotate, list and delete', async () => {
    const family = `cli${randomUUID().slice(0, 6)}`;
    const created = await cli(
      'schedule',
      'rotate',
      '--region',
      REGION,
      '--keep',
      '3',
      '--family',
      family,
      '--cron',
      '0 3 * * *',
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const scheduleId = `cvm-image-rotate/${REGION}/family-${family}`;
    schedules.push(scheduleId);
    expect(created.stdout).toContain(`Created schedule ${scheduleId}`);

    const again = await cli(
      'schedule',
      'rotate',
      '--region',
      REGION,
      '--keep',
      '3',
      '--family',
      family,
      '--every',
      '1d',
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`a schedule with id ${scheduleId} already exists`);

    const listed = await waitFor(
      async () => {
        const run = await cli('schedule', 'list');
        return run.stdout.includes(scheduleId) ? run : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'the schedule in the list' },
    );
    const row = listed.stdout.split('\n').find((l) => l.startsWith(scheduleId))!;
    expect(row).toMatch(/rotate +cron 0 3 \* \* \* +\d{4}-\d\d-\d\dT03:00:00Z/);
    expect(listed.stdout).toContain(`${scheduleId}: Rotate ${REGION}: keep the newest 3 (family ${family})`);

    const deleted = await cli('schedule', 'delete', scheduleId);
    expect(deleted.stdout).toContain(`Deleted schedule ${scheduleId}`);
    expect(deleted.code).toBe(0);
    const gone = await cli('schedule', 'delete', scheduleId);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`no schedule with id ${scheduleId}`);
  });

  it('schedule commands name the flag to fix and create nothing', async () => {
    const both = await cli(
      'schedule',
      'rotate',
      '--region',
      REGION,
      '--keep',
      '1',
      '--every',
      '1d',
      '--cron',
      '* * * * *',
    );
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('give exactly one of --every <duration> or --cron <expression>');
    const bad = await cli('schedule', 'rotate', '--region', 'mars-1', '--keep', '1', '--every', '1d');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('invalid schedule, nothing was created');
    expect(bad.stderr).toContain('--region (region): must be a Tencent Cloud region');
    const long = await cli(
      'schedule',
      'create',
      '--region',
      REGION,
      '--instance-id',
      'ins-12345678',
      '--image-name',
      'x'.repeat(45),
      '--every',
      '1d',
    );
    expect(long.code).toBe(1);
    expect(long.stderr).toContain('--image-name (pipeline.imageName): the name prefix must be at most 44 characters');
  });

  it('cost lists the project images with snapshot GB and an estimate from the given price', async () => {
    const quiet = await stack.emulator.admin.createInstance({ region: REGION });
    await stack.emulator.clients
      .cvm(REGION)
      .CreateImage({ InstanceId: quiet, ImageName: `hand-${randomUUID().slice(0, 6)}` });
    const imageId = await bake(`costed-${randomUUID().slice(0, 6)}`, {}, { dataDisks: [{ sizeGb: 20 }] });

    const json = await cli('cost', '--region', REGION, '--price-per-gb-month', '0.5', '--currency', 'USD', '--json');
    expect(json.code).toBe(0);
    const inv = JSON.parse(json.stdout) as ImageInventoryResult;
    const costed = inv.images.find((i) => i.imageId === imageId)!;
    // The 50 GB system disk snapshot bound to the image, and the 20 GB data-disk snapshot of its run.
    expect(costed.snapshots.map((s) => [s.kind, s.sizeGb]).sort()).toEqual([
      ['bound', 50],
      ['data-disk', 20],
    ]);
    expect(costed.snapshotGb).toBe(70);
    expect(costed.estimatedMonthlyCost).toBe(35);
    expect(inv.totalSnapshotGb).toBe(inv.images.reduce((sum, i) => sum + i.snapshotGb, 0));
    expect(inv.otherImages).toBeGreaterThanOrEqual(1);
    expect(inv.images.map((i) => i.imageName)).not.toContainEqual(expect.stringMatching(/^hand-/));

    const text = await cli('cost', '--region', REGION);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Snapshot cost ESTIMATE for ${REGION} at 0.12 CNY per GB and month (not a bill)`);
    expect(text.stdout).toMatch(new RegExp(`^${imageId} .* 2 +70 +8\\.40$`, 'm'));
    expect(text.stdout).toContain('not made by cvm-image-pipeline (not counted)');

    const badPrice = await cli('cost', '--region', REGION, '--price-per-gb-month', '-1');
    expect(badPrice.code).toBe(1);
    expect(badPrice.stderr).toContain('expected a price ≥ 0');
  });

  it('rotate is a dry run unless --apply, and delete removes one image; both follow their run', async () => {
    const family = `cli${randomUUID().slice(0, 6)}`;
    const older = await bake(`${family}-1`, { imageFamily: family });
    await stack.emulator.admin.advanceClock(1000); // creation times have one-second resolution
    const newer = await bake(`${family}-2`, { imageFamily: family });
    const rotate = ['rotate', '--region', REGION, '--keep', '1', '--family', family];

    const dry = await cli(...rotate);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Started cvm-image-rotate\/.* \(dry run\)/);
    expect(dry.stdout).toMatch(/^\[\d+s\] /m); // progress lines
    expect(dry.stdout).toMatch(new RegExp(`^${older} .* delete `, 'm'));
    expect(dry.stdout).toContain('Run again with --apply to delete them.');
    expect((await images()).some((i) => i.id === older)).toBe(true);

    const applied = await cli(...rotate, '--apply', '--json');
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ dryRun: false, deleted: [older] });
    expect((await images()).some((i) => i.id === older)).toBe(false);

    const deleted = await cli('delete', newer, '--region', REGION);
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain(`Started cvm-image-delete/${REGION}/${newer}`);
    expect(deleted.stdout).toContain(`✔ Deleted image ${newer}`);
    expect((await images()).some((i) => i.id === newer)).toBe(false);

    const bad = await cli('delete', 'not-an-image', '--region', REGION);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('invalid input, nothing was started');
    expect(bad.stderr).toContain('<imageId> (imageId)');
  });

  // Temporal deletes a run asynchronously (30–40 s on the dev server here, longer on a loaded machine), and the
  // list forgets it later still: every run the list shows must end up deleted. Last, so it overlaps the above.
  it('cost leaves no imageInventory run behind', async () => {
    const query = `WorkflowType = 'imageInventory' AND TaskQueue = '${stack.taskQueue}'`;
    const deleted = async (workflowId: string) =>
      temporal()
        .workflow.getHandle(workflowId)
        .describe()
        .then(
          () => false,
          (err: unknown) => err instanceof WorkflowNotFoundError,
        );
    await waitFor(
      async () => {
        const listed: string[] = [];
        for await (const w of temporal().workflow.list({ query })) listed.push(w.workflowId);
        const left = await Promise.all(listed.map(async (id) => ((await deleted(id)) ? undefined : id)));
        return left.every((id) => id === undefined) ? true : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 500, what: 'every imageInventory run deleted after cost' },
    );
  });
});
