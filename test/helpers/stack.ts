/**
 * The whole product for end-to-end tests of the operator surface: a Temporal dev server (the suite's, or
 * one of its own with the Web UI), the Tencent Cloud emulator, and a real worker bound to both. Child
 * processes (the `cvm-image` command, the Temporal CLI) get the same wiring through `env`.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createPipelineClient, type PipelineClient } from '../../src/client';
import type { DevServer } from '../../src/devserver/dev-server';
import { temporalCliPath } from '../../src/devserver/temporal-cli';
import type { Durations } from '../../src/emulator';
import { createWorker } from '../../src/worker';
import { BUILT_CLI } from './cli-build';
import { startTestEmulator, type TestEmulator } from './emulator';
import { ROOT } from './processes';
import { testAddress, uniqueTaskQueue, workflowBundle } from './temporal';
import { startTestServer } from './test-server';

export interface StackOptions {
  /** A dev server of its own instead of the suite's shared one (needed for the Web UI, or `cvm-image`). */
  ownServer?: boolean;
  ui?: boolean;
  /** Default: a unique queue (a fixed one such as `cvm-image` only with ownServer). */
  taskQueue?: string;
  durations?: Partial<Durations>;
  seed?: 'demo';
  /** The worker's Describe* polling interval (default 200 ms, the product's is 5 s). */
  pollIntervalMs?: number;
}

export interface Stack {
  address: string;
  uiUrl?: string;
  taskQueue: string;
  emulator: TestEmulator;
  client: PipelineClient;
  /** Environment for child processes: Temporal address, task queue, emulator endpoint and credentials. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.warn('stack cleanup:', err));
  };
  try {
    let server: DevServer | undefined;
    if (opts.ownServer || opts.ui) {
      server = await startTestServer({ ui: opts.ui });
      cleanups.push(() => server!.stop());
    }
    const address = server?.address ?? testAddress();
    const taskQueue = opts.taskQueue ?? uniqueTaskQueue('stack');
    const emulator = await startTestEmulator({ durations: opts.durations, seed: opts.seed });
    cleanups.push(() => emulator.close());

    const native = await NativeConnection.connect({ address });
    cleanups.push(() => native.close());
    const worker: Worker = await createWorker({
      connection: native,
      taskQueue,
      workflowBundle: workflowBundle(),
      deps: { clients: emulator.clients, pollIntervalMs: opts.pollIntervalMs ?? 200 },
    });
    const running = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    const env: NodeJS.ProcessEnv = {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'default',
      CVM_IMAGE_TASK_QUEUE: taskQueue,
      TENCENTCLOUD_ENDPOINT: emulator.url,
      TENCENTCLOUD_SECRET_ID: emulator.credential.secretId,
      TENCENTCLOUD_SECRET_KEY: emulator.credential.secretKey,
      // The Temporal CLI the project resolved, first on PATH, as the README tells operators to do.
      PATH: `${path.dirname(temporalCliPath())}${path.delimiter}${process.env.PATH}`,
    };
    const client = await createPipelineClient({ address, taskQueue });
    cleanups.push(() => client.close());
    return { address, uiUrl: server?.uiUrl, taskQueue, emulator, client, env, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cvm-image`, compiled from the current source (global-setup.ts: cli-build.ts), in one node process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BUILT_CLI, ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
