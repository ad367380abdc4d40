/**
 * The suite's test environment (test/helpers/quiet-environment.ts) holds back what a test logs and prints it
 * only for a failing test. Checked on a real jest run of a two-test fixture: one passes and one fails, both log.
 * It also shares a few modules among the test files of a jest worker (loaded once, not once a file).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function jest(dir: string): Promise<string> {
  const config = {
    rootDir: dir,
    testEnvironment: path.join(ROOT, 'test', 'helpers', 'quiet-environment.ts'),
    transform: { '^.+\\.ts$': [require.resolve('@swc/jest'), { jsc: { target: 'es2022' } }] },
  };
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--ci', '--colors=false'],
      { cwd: dir, timeout: 60_000 },
      (_err, stdout, stderr) => resolve(stdout + stderr),
    ),
  );
}

it("prints a failing test's logs and none of a passing test's", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quiet-env-'));
  try {
    writeFileSync(
      path.join(dir, 'fixture.test.js'),
      [
        // Markers built at run time: jest's code frame of the failure shows these lines' source.
        "it('passes', () => { console.warn(['LOG', 'OF', 'PASSING'].join('-')); expect(1).toBe(1); });",
        "it('fails', () => { console.error(['LOG', 'OF', 'FAILING'].join('-')); expect(1).toBe(2); });",
      ].join('\n'),
    );
    const out = await jest(dir);
    expect(out).toContain('Tests:       1 failed, 1 passed, 2 total');
    expect(out).toContain('logs of failed test "fails"');
    expect(out).toContain('error: LOG-OF-FAILING');
    expect(out).not.toContain('LOG-OF-PASSING');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

const shared = (name: string): unknown =>
  (globalThis as { __cvmSharedModule?: (name: string) => unknown }).__cvmSharedModule?.(name);

it('gives every test file the one @temporalio/proto its jest worker loaded, and it encodes and decodes', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const proto: typeof import('@temporalio/proto') = require('@temporalio/proto');
  expect(proto).toBe(shared('@temporalio/proto'));
  const { Payload } = proto.temporal.api.common.v1;
  const bytes = Payload.encode({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('42') }).finish();
  const decoded = Payload.decode(bytes);
  expect(Buffer.from(decoded.data!).toString()).toBe('42');
  expect(Buffer.from(decoded.metadata!.encoding).toString()).toBe('json/plain');
});

it("gives every test file the one zod its jest worker loaded, and a refusal is still the file's z.ZodError", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { z }: typeof import('zod') = require('zod');
  expect(z).toBe((shared('zod') as typeof import('zod')).z);
  const parsed = z.object({ region: z.string() }).safeParse({ region: 1 });
  expect(parsed.error).toBeInstanceOf(z.ZodError);
  expect(parsed.error!.issues.map((i) => i.path)).toEqual([['region']]);
});

it('shares no module it was not told to', () => {
  expect(() => shared('yaml')).toThrow('yaml is not a module the test environment shares');
});
