/**
 * The client library as another service consumes it: built (`npm run build`), resolved through
 * package.json `exports` (JavaScript and type declarations), and the `cvm-image` bin running from lib/.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { installBuiltPackage } from '../helpers/stack';
import { ROOT } from '../helpers/processes';

// The project-level testTimeout in jest.config.js is not applied by Jest 30; long steps need this.
jest.setTimeout(180_000);

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err.code as number) ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('the published package', () => {
  let consumer: string;
  beforeAll(async () => {
    consumer = await installBuiltPackage();
  }, 180_000);
  afterAll(() => consumer && rmSync(consumer, { recursive: true, force: true }));

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

  it('runs the cvm-image bin from the build', async () => {
    const bin = path.join(consumer, 'node_modules', 'cvm-image-pipeline', 'bin', 'cvm-image.js');
    const { code, out } = await run(process.execPath, [bin, 'create', '--help'], consumer);
    expect(out).toContain('--instance-id <id>');
    expect(code).toBe(0);
  });
});
