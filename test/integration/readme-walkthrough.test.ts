/**
 * The README cannot drift from the code: every ```sh block under "## Walkthrough" runs, in order, in one
 * shell, against a dev server of its own (worker on task queue `cvm-image`, as `npm start` runs it), the
 * emulator with its demo instances, and the Temporal CLI the project resolves. Only the variables the
 * walkthrough documents are set (INSTANCE_ID, TEMPORAL_ADDRESS). The ```ts service snippet runs too,
 * against the package as a consumer installs it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/processes';
import { walkthroughBlocks } from '../helpers/readme';
import { startStack, type Stack } from '../helpers/stack';

jest.setTimeout(600_000);

/** WALKTHROUGH_SOURCE=<file.md> checks a draft (same "## Walkthrough" heading) before it goes into the README. */
const SOURCE = process.env.WALKTHROUGH_SOURCE ?? 'README.md';

interface ShellRun {
  code: number | null;
  output: string;
}

/** Runs a script with bash in its own process group, killed whole if it outlives the deadline. */
function bash(script: string, env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<ShellRun> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs} ms]`;
      process.kill(-child.pid!, 'SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe(`README walkthrough (${SOURCE})`, () => {
  const blocks = walkthroughBlocks(readFileSync(path.join(ROOT, SOURCE), 'utf8'), SOURCE);
  let stack: Stack;
  let instanceId: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    stack = await startStack({ ownServer: true, taskQueue: 'cvm-image', seed: 'demo' });
    const state = await stack.emulator.admin.state();
    instanceId = state.instances.find((i) => i.instanceName === 'demo-web-online')!.id;
    // The documented variables, and the resolved Temporal CLI on PATH (as `npm start` provides it).
    env = { ...process.env, INSTANCE_ID: instanceId, TEMPORAL_ADDRESS: stack.address, PATH: stack.env.PATH };
    delete env.CVM_IMAGE_TASK_QUEUE;
    delete env.TEMPORAL_NAMESPACE;
  }, 180_000);
  afterAll(() => stack?.stop());

  it('has shell blocks for the Temporal CLI steps and the cvm-image command', () => {
    const all = blocks.sh.join('\n');
    for (const step of [
      'temporal workflow start --type createCustomImage --task-queue cvm-image',
      'temporal workflow query',
      'temporal workflow describe',
      'temporal workflow update execute',
      'temporal workflow cancel',
      'temporal workflow result',
      'temporal workflow show',
      'cvm-image create',
    ]) {
      expect(all).toContain(step);
    }
  });

  const script = [
    'set -euo pipefail',
    ...blocks.sh.map((block, i) => `echo "::block ${i + 1} of ${blocks.sh.length}::"\n${block}`),
    'echo "::run $RUN::"',
    'echo "::walkthrough done::"',
  ].join('\n');

  /** What one run's blocks did, checked in the emulator and in what they printed. */
  async function checkRun(run: ShellRun): Promise<void> {
    if (run.code !== 0) throw new Error(`walkthrough failed (exit ${run.code}):\n${run.output}`);
    expect(run.output).toContain('::walkthrough done::');
    const suffix = /::run (\d+)::/.exec(run.output)![1];
    // The approved image exists, the cancelled one was cleaned up, the cvm-image one exists, and the demo
    // instance is running as it was.
    const state = await stack.emulator.admin.state();
    const byName = (name: string) => state.images.filter((i) => i.name === `${name}-${suffix}`);
    expect(byName('walkthrough-web').map((i) => i.state)).toEqual(['NORMAL']);
    expect(byName('walkthrough-cancelled')).toEqual([]);
    expect(byName('walkthrough-cli').map((i) => i.state)).toEqual(['NORMAL']);
    expect(run.output).toContain(byName('walkthrough-web')[0].id);
    expect(run.output).toContain(`✔ Image ${byName('walkthrough-cli')[0].id} is ready`);
    // `show --detailed` carries the activities' one-line summaries.
    expect(run.output).toMatch(/[Ss]ummary.*CreateImage|CreateImage.*[Ss]ummary/);
    expect(state.instances.find((i) => i.id === instanceId)?.state).toBe('RUNNING');
  }

  it('runs every shell block, in order, in one shell', async () => {
    await checkRun(await bash(script, env, ROOT, 270_000));
  });

  it('runs again, unchanged, against the same server', async () => {
    // A second later at least, so the run suffix differs (it has the resolution of a second).
    await new Promise((r) => setTimeout(r, 1100));
    await checkRun(await bash(script, env, ROOT, 270_000));
  });
});
