/**
 * Starts one real Temporal dev server per jest worker (each worker's test files run against their own, so
 * workers do not queue behind one server's single SQLite writer) and bundles the workflows once.
 * Each test file runs its own worker on its own task queue against its jest worker's server. The CLI tests run
 * lib/, built here when a source is newer (cli-build.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '@jest/types';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { DevServer } from '../../src/devserver/dev-server';
import { ensureFreshBuild } from './cli-build';
import { startTestServer } from './test-server';

declare global {
  var __cvmDevServers: DevServer[] | undefined;
}

export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cvm-image-test-'));
  const count = Math.max(1, globalConfig.maxWorkers);
  const starting = Array.from({ length: count }, () => startTestServer());
  const [servers, bundle, buildError] = await Promise.all([
    Promise.allSettled(starting),
    bundleWorkflowCode({ workflowsPath: require.resolve('../workflows/index.ts'), logger: quietLogger }),
    ensureFreshBuild().then(
      () => undefined,
      (err: unknown) => err,
    ),
  ]);
  globalThis.__cvmDevServers = servers.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = servers.find((s) => s.status === 'rejected');
  if (failed || buildError) {
    await Promise.all(globalThis.__cvmDevServers.map((s) => s.stop()));
    throw failed?.reason ?? buildError;
  }
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  // Jest workers inherit the environment of this process; each picks its server by JEST_WORKER_ID.
  process.env.CVM_TEST_TEMPORAL_ADDRESSES = globalThis.__cvmDevServers.map((s) => s.address).join(',');
  process.env.CVM_TEST_WORKFLOW_BUNDLE = bundlePath;
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
