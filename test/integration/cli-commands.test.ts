/**
 * `cvm-image` as an operator runs it: a child process (compiled: lib/, built by the global setup) against the suite's dev server,
 * an emulator and a real worker. Output is not a terminal here, so `--watch` prints one line per change.
 */
import { waitFor } from '../helpers/emulator';
import { spawnBuilt } from '../helpers/processes';
import { runCli, startStack, type Stack } from '../helpers/stack';
import { uniqueTaskQueue } from '../helpers/temporal';

jest.setTimeout(180_000);

describe('cvm-image', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 180_000);
  afterAll(() => stack?.stop());

  const cli = (...args: string[]) => runCli(args, stack.env);
  const newInstance = (body = {}) => stack.emulator.admin.createInstance(body);
  const awaitingApproval = (workflowId: string) =>
    waitFor(async () => (await stack.client.progress(workflowId)).stage === 'awaiting-approval', {
      what: 'awaiting-approval',
      intervalMs: 100,
    });

  it('create --watch follows the stages in order and prints the result', async () => {
    const instanceId = await newInstance({ dataDisks: [{ sizeGb: 20 }] });
    const args = ['--region', 'ap-guangzhou', '--instance-id', instanceId, '--image-name', 'cli-watched'];
    const run = await cli('create', ...args, '--tag', 'team=web', '--watch', '--interval', '100');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const workflowId = `cvm-image/ap-guangzhou/${instanceId}`;
    expect(run.stdout).toContain(`Started pipeline ${workflowId}`);

    const image = (await stack.emulator.admin.state()).images.find((i) => i.name === 'cli-watched');
    expect(image?.state).toBe('NORMAL');
    expect(run.stdout).toContain(`✔ Image ${image!.id} is ready (${workflowId})`);

    // One line per change, e.g. "[1s] waiting-for-image — image img-… to become NORMAL", in run order.
    const seen = [...run.stdout.matchAll(/^\[\d+(?:h\d\dm|m)?\d*s\] ([a-z-]+)/gm)].map((m) => m[1]);
    const result = await stack.client.result(workflowId);
    const order = [...result.stages.map((s) => s.name), 'completed'];
    const positions = [...new Set(seen)].map((stage) => order.indexOf(stage));
    expect(positions).not.toContain(-1);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toBe('completed');
    expect(new Set(seen).size).toBeGreaterThan(2);
  });

  it('create refuses bad flags before starting anything, naming each flag', async () => {
    const run = await cli('create', '--region', 'ap-guangzhou', '--instance-id', 'i-1', '--image-name', 'x'.repeat(61));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('invalid input, nothing was started');
    expect(run.stderr).toMatch(/--instance-id \(instanceId\): must be a CVM instance id/);
    expect(run.stderr).toMatch(/--image-name \(imageName\): must be at most 60 characters/);
    const status = await cli('status', 'i-1', '--region', 'ap-guangzhou');
    expect(status.stderr).toContain('no pipeline with id cvm-image/ap-guangzhou/i-1');
    expect(status.code).toBe(1);
  });

  it('approve, status and a refused second start while a pipeline runs', async () => {
    const instanceId = await newInstance();
    const workflowId = `cvm-image/ap-guangzhou/${instanceId}`;
    const create = ['create', '--region', 'ap-guangzhou', '--instance-id', instanceId, '--image-name', 'cli-approved'];
    const started = await cli(...create, '--shutdown', 'always', '--approval');
    expect(started.code).toBe(0);
    expect(started.stdout).toContain(`Follow it: cvm-image status ${workflowId} --watch`);
    await awaitingApproval(workflowId);

    const status = await cli('status', workflowId);
    expect(status.stdout).toMatch(/^Stage +awaiting-approval$/m);
    expect(status.stdout).toContain(`cvm-image approve ${workflowId}`);

    const twice = await cli(...create);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`a pipeline with id ${workflowId} is already running`);

    const approved = await cli('approve', instanceId, '--region', 'ap-guangzhou');
    expect(approved.stdout).toContain(`Approved: ${workflowId}`);
    expect(approved.code).toBe(0);
    const result = await stack.client.result(workflowId);
    expect(result.shutdownPerformed).toBe(true);

    const done = await cli('status', workflowId, '--json');
    const json = JSON.parse(done.stdout);
    expect(json.pipeline.status).toBe('COMPLETED');
    expect(json.result.imageId).toBe(result.imageId);

    const late = await cli('approve', workflowId);
    expect(late.stderr).toContain(`pipeline ${workflowId} has already ended`);
    expect(late.code).toBe(1);
  });

  it('reject ends the pipeline with the reason; status shows the failure', async () => {
    const instanceId = await newInstance();
    const workflowId = `cvm-image/ap-guangzhou/${instanceId}`;
    await cli(
      'create',
      '--region',
      'ap-guangzhou',
      '--instance-id',
      instanceId,
      '--image-name',
      'cli-rejected',
      '--shutdown',
      'always',
      '--approval',
    );
    await awaitingApproval(workflowId);
    const rejected = await cli('reject', workflowId, '--reason', 'change freeze');
    expect(rejected.code).toBe(0);
    await stack.client.result(workflowId).catch(() => undefined);
    const status = await cli('status', workflowId);
    expect(status.stdout).toMatch(/^Status +FAILED$/m);
    expect(status.stdout).toMatch(/✖ pipeline .* failed: ShutdownRejected: .*change freeze/);
    expect(status.code).toBe(1);
  });

  it('cancel --wait waits for the compensation and reports the cancellation', async () => {
    const instanceId = await newInstance();
    const workflowId = `cvm-image/ap-guangzhou/${instanceId}`;
    await cli(
      'create',
      '--region',
      'ap-guangzhou',
      '--instance-id',
      instanceId,
      '--image-name',
      'cli-cancelled',
      '--shutdown',
      'always',
      '--approval',
    );
    await awaitingApproval(workflowId);
    const cancelled = await cli('cancel', workflowId, '--wait');
    expect(cancelled.stdout).toContain(`Cancellation requested for ${workflowId}.`);
    expect(cancelled.stdout).toMatch(/ended: cancelled/);
    expect(cancelled.code).toBe(0);
    expect((await stack.client.describe(workflowId)).status).toBe('CANCELLED');
    const again = await cli('cancel', workflowId);
    expect(again.stdout).toContain(`Nothing to cancel: ${workflowId} has already ended (CANCELLED).`);
  });

  it('list filters by instance and stage', async () => {
    const instanceId = await newInstance();
    const workflowId = `cvm-image/ap-guangzhou/${instanceId}`;
    const { workflowId: started } = await stack.client.start({
      region: 'ap-guangzhou',
      instanceId,
      imageName: 'cli-listed',
    });
    await stack.client.result(started);
    const rows = await waitFor(
      async () => {
        const run = await cli('list', '--instance-id', instanceId, '--stage', 'completed', '--json');
        const parsed = JSON.parse(run.stdout) as { workflowId: string; status: string }[];
        return parsed.length ? parsed : undefined;
      },
      { what: 'the pipeline in the list', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(rows.map((r) => [r.workflowId, r.status])).toEqual([[workflowId, 'COMPLETED']]);
    const table = await cli('list', '--instance-id', instanceId);
    expect(table.stdout.split('\n')[0]).toMatch(/^WORKFLOW ID +STATUS +STAGE +IMAGE +STARTED +UNDONE$/);
    expect(table.stdout).toContain(workflowId);
    const none = await cli('list', '--instance-id', instanceId, '--stage', 'stopping');
    expect(none.stdout.trim()).toBe('No pipelines match.');
  });

  it('status reports a pipeline no worker has picked up yet, without hanging', async () => {
    const instanceId = await newInstance();
    const { workflowId } = await stack.client.start(
      { region: 'ap-guangzhou', instanceId, imageName: 'cli-unpicked' },
      { taskQueue: uniqueTaskQueue('no-worker') },
    );
    try {
      const status = await cli('status', workflowId);
      expect(status.stdout).toMatch(/^Status +RUNNING$/m);
      expect(status.stdout).toMatch(/^Stage +queued$/m);
      expect(status.stdout).toContain('(no progress: no worker answered the progress query)');
      expect(status.code).toBe(0);
    } finally {
      await stack.client.temporal.workflow.getHandle(workflowId).terminate('test done');
    }
  });

  it('says plainly when no Temporal server answers', async () => {
    const run = await runCli(['--connect-timeout', '1s', 'list'], { ...stack.env, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cvm-image: cannot reach the Temporal server at 127.0.0.1:1 (namespace default)');
    expect(run.stderr).toContain('TEMPORAL_ADDRESS');
  });
});

describe('cvm-image emulator', () => {
  it('serves the local Tencent Cloud with the demo instances until SIGTERM', async () => {
    const token = `cli-test-${process.pid}-token`;
    const emulator = spawnBuilt('src/cli/main.ts', ['emulator', '--port', '0', '--seed', 'demo'], {
      CVM_IMAGE_EMULATOR_TOKEN: token,
    });
    try {
      await emulator.waitFor(/TENCENTCLOUD_ENDPOINT=http/);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(emulator.output())![1];
      expect(emulator.output()).toContain(`TENCENTCLOUD_ENDPOINT=${url}`);
      expect(emulator.output()).toContain('Admin API token: the one given (CVM_IMAGE_EMULATOR_TOKEN)');
      expect(emulator.output()).not.toContain(token);
      const headers = { Authorization: `Bearer ${token}` };
      const res = await fetch(`${url}/_emulator/state`, { headers });
      const state = (await res.json()) as { instances: { instanceName: string }[] };
      expect(state.instances.map((i) => i.instanceName).sort()).toEqual([
        'demo-legacy-2017',
        'demo-plain',
        'demo-web-online',
      ]);
      emulator.child.kill('SIGTERM');
      expect(await emulator.exited).toBe(0);
    } finally {
      emulator.child.kill('SIGKILL');
    }
  });
});
