/**
 * Starts one real Temporal dev server for the whole integration suite and bundles the workflows once.
 * Each test file runs its own worker on its own task queue against it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../src/devserver/dev-server';

declare global {
  var __cvmDevServer: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cvm-image-test-'));
  const [server, bundle] = await Promise.all([
    startDevServer(),
    bundleWorkflowCode({ workflowsPath: require.resolve('../workflows/index.ts'), logger: quietLogger }),
  ]);
  globalThis.__cvmDevServer = server;
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  // Jest workers inherit the environment of this process.
  process.env.CVM_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.CVM_TEST_WORKFLOW_BUNDLE = bundlePath;
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
