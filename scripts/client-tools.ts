/**
 * The other real Tencent Cloud clients the emulator is proven with (test/integration/emulator-clients):
 * tccli (its Python SDK underneath), pinned, from PyPI into .tools/tccli, and the official Go SDK's client
 * (test/clients/go) built into .tools/bin. `npm test` installs both while it type-checks and lints
 * (scripts/ensure-tools.ts); the test calls them again, which is quick when they are there.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');

export const TCCLI_VERSION = '3.1.189.1';
export const TCCLI_DIR = path.join(ROOT, '.tools', 'tccli');
export const GO_CLIENT_BIN = path.join(ROOT, '.tools', 'bin', 'tc-go-client');

export async function installTccli(): Promise<void> {
  const marker = path.join(TCCLI_DIR, `.installed-${TCCLI_VERSION}`);
  if (existsSync(marker)) return;
  rmSync(TCCLI_DIR, { recursive: true, force: true });
  // --no-compile: byte-compiling the whole Python SDK (640 MB) was 57 of the install's 62 CPU-s here; tccli
  // imports only what a call needs, about a second a call uncompiled.
  await run(
    'python3',
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--no-compile',
      '--disable-pip-version-check',
      '--target',
      TCCLI_DIR,
      `tccli==${TCCLI_VERSION}`,
    ],
    { timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  writeFileSync(marker, '');
}

/** `go build` every time: quick from Go's build cache, and never a stale binary. */
export async function buildGoClient(): Promise<void> {
  mkdirSync(path.dirname(GO_CLIENT_BIN), { recursive: true });
  await run('go', ['build', '-o', GO_CLIENT_BIN, '.'], {
    cwd: path.join(ROOT, 'test', 'clients', 'go'),
    timeout: 10 * 60_000,
  });
}
