/**
 * The client library as another service consumes it: packed (`npm pack` of lib/, built by the global setup),
 * installed from the tarball into a scratch project where only its declared dependencies resolve
 * (packed-package.ts), resolved through package.json `exports` (JavaScript and type declarations), the
 * `cvm-image` bin running from lib/, and the README's service snippet run there against a real stack (dev
 * server, emulator with the demo instances, worker).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../helpers/emulator';
import { walkthroughBlocks } from '../helpers/readme';
import { installPackedPackage, type PackedConsumer } from '../helpers/packed-package';
import { startStack, type Stack } from '../helpers/stack';
import { ROOT } from '../helpers/processes';

// The project-level testTimeout in jest.config.js is not applied by Jest 30; long steps need this.
jest.setTimeout(300_000);

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err.code as number) ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('the published package', () => {
  let packed: PackedConsumer;
  let consumer: string;
  let stack: Stack;
  beforeAll(async () => {
    // Both at once; each kept for afterAll even if the other fails.
    const starting = startStack({ seed: 'demo' }).then((s) => (stack = s));
    packed = await installPackedPackage().finally(() => starting.catch(() => undefined));
    consumer = packed.dir;
    await starting;
  }, 300_000);
  afterAll(async () => {
    packed?.remove();
    await stack?.stop();
  });

  it('ships the build and not the sources, the way `files` says', () => {
    const pkg = path.join(consumer, 'node_modules', 'cvm-image-pipeline');
    expect(existsSync(path.join(pkg, 'lib', 'client', 'index.js'))).toBe(true);
    expect(existsSync(path.join(pkg, 'lib', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(path.join(pkg, 'src'))).toBe(false);
  });

  it("runs the README's service snippet in the consumer project", async () => {
    const snippets = walkthroughBlocks(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).ts;
    expect(snippets).toHaveLength(1);
    writeFileSync(path.join(consumer, 'service.mts'), snippets[0]);
    const state = await stack.emulator.admin.state();
    const instanceId = state.instances.find((i) => i.instanceName === 'demo-web-online')!.id;
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const env = { ...process.env, ...stack.env, INSTANCE_ID: instanceId };
    const { code, out } = await run(tsx, ['service.mts'], consumer, env);
    const image = (await stack.emulator.admin.state()).images.find((i) => i.name === 'from-a-service');
    expect(image?.state).toBe('NORMAL');
    expect(out).toContain(`image ${image!.id} is ready`);
    expect(code).toBe(0);
  });

  it('exports the client library under "." and "./client"', async () => {
    const script =
      "const a = require('cvm-image-pipeline/client'); const b = require('cvm-image-pipeline');" +
      'console.log(typeof a.createPipelineClient, a.createPipelineClient === b.createPipelineClient,' +
      " a.pipelineWorkflowId('ap-guangzhou', 'ins-1'), a.WORKFLOW_TYPE)";
    const { code, out } = await run(process.execPath, ['-e', script], consumer);
    expect(out.trim()).toBe('function true cvm-image/ap-guangzhou/ins-1 createCustomImage');
    expect(code).toBe(0);
  });

  it('ships type declarations that a strict TypeScript consumer resolves through "exports"', async () => {
    writeFileSync(
      path.join(consumer, 'service.ts'),
      [
        "import { createPipelineClient, type CreateCustomImageInput, type PipelineProgress } from 'cvm-image-pipeline/client';",
        "const input: CreateCustomImageInput = { region: 'ap-guangzhou', instanceId: 'ins-1', imageName: 'x', shutdown: 'auto' };",
        'export async function go(): Promise<PipelineProgress> {',
        '  const c = await createPipelineClient();',
        '  const { workflowId } = await c.start(input);',
        '  return c.progress(workflowId);',
        '}',
        // A wrong field must be a type error, or the declarations are not really used.
        "// @ts-expect-error shutdown is 'auto' | 'always' | 'never'",
        "export const bad: CreateCustomImageInput = { region: 'r', instanceId: 'i', imageName: 'n', shutdown: 'sometimes' };",
        '',
      ].join('\n'),
    );
    const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--skipLibCheck'];
    const { code, out } = await run(tsc, [...args, '--types', 'node', 'service.ts'], consumer);
    expect(out).toBe('');
    expect(code).toBe(0);
  });

  it('runs the emulator from the build (its guest tool stand-ins ship in lib/)', async () => {
    const bin = path.join(consumer, 'node_modules', 'cvm-image-pipeline', 'bin', 'cvm-image.js');
    const emulator = spawn(process.execPath, [bin, 'emulator', '--port', '0'], { cwd: consumer });
    let out = '';
    emulator.stdout.on('data', (d) => (out += d));
    emulator.stderr.on('data', (d) => (out += d));
    const exited = new Promise((resolve) => emulator.once('exit', resolve));
    try {
      await waitFor(() => /listening on http/.test(out) || (emulator.exitCode !== null ? 'exited' : undefined), {
        timeoutMs: 30_000,
        what: 'the emulator to listen',
      });
      expect(out).toMatch(/Tencent Cloud emulator listening on http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      emulator.kill('SIGTERM');
      await exited;
    }
  });

  it('runs the cvm-image bin from the build', async () => {
    const bin = path.join(consumer, 'node_modules', 'cvm-image-pipeline', 'bin', 'cvm-image.js');
    const { code, out } = await run(process.execPath, [bin, 'create', '--help'], consumer);
    expect(out).toContain('--instance-id <id>');
    expect(code).toBe(0);
  });
});
