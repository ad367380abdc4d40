/**
 * What a chaos run breaks: a Temporal dev server (file-backed, so it can be restarted mid-run), the
 * Tencent Cloud emulator, and the worker as a child process (src/worker.ts compiled: lib/worker.js, rebuilt
 * first when a source is newer), so it can be SIGKILLed at any moment and started again, exactly as an
 * operator's worker would crash.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { DevServer } from '../../src/devserver/dev-server';
import type { Durations } from '../../src/emulator';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { ensureFreshBuild } from '../helpers/cli-build';
import { spawnBuilt, type Spawned } from '../helpers/processes';
import { startTestServer } from '../helpers/test-server';

export interface ChaosEnvOptions {
  /** Use this server (e.g. the test suite's) instead of starting a file-backed one. */
  address?: string;
  taskQueue: string;
  durations: Partial<Durations>;
  /** The worker's Describe* polling interval (CVM_IMAGE_POLL_INTERVAL_MS). */
  pollIntervalMs: number;
  /** Extra environment for the worker process (e.g. CVM_IMAGE_LOG_LEVEL). */
  workerEnv?: NodeJS.ProcessEnv;
  credentials?: { secretId: string; secretKey: string };
  /** Prebuilt workflow bundle for the worker (CVM_IMAGE_WORKFLOW_BUNDLE); built once here when absent. */
  workflowBundlePath?: string;
  /** Worker processes to run on the same settings (default 1); `worker` is the first. */
  workers?: number;
  /**
   * Describe* eventual consistency in the emulator (visibilityLagMs and deletionLagMs, #12): Tencent documents
   * no read-after-write guarantee. Default: CVM_CHAOS_LAG_MS, which `npm run chaos --lag` sets; 0 = off.
   */
  lagMs?: number;
}

export interface WorkerProcess {
  /** Every line the worker processes printed so far, across restarts. */
  log(): string;
  readonly starts: number;
  /** The running worker's process id (undefined before start()), e.g. for the bench's CPU and memory samples. */
  readonly pid: number | undefined;
  start(): Promise<void>;
  /** SIGKILL: no graceful shutdown, in-flight activities are lost. */
  kill(): Promise<void>;
  /** SIGTERM and wait (end of run). */
  stop(): Promise<void>;
}

export interface ChaosEnv {
  address: string;
  taskQueue: string;
  emu: TestEmulator;
  client: Client;
  worker: WorkerProcess;
  /** Every worker process (`workers` of them; the first is `worker`). */
  workers: WorkerProcess[];
  /** The prebuilt workflow bundle its workers load (CVM_IMAGE_WORKFLOW_BUNDLE), for another worker to load too. */
  workflowBundlePath: string;
  /** Stops the file-backed dev server and starts it again on the same port and database. */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

export function workerProcess(env: NodeJS.ProcessEnv): WorkerProcess {
  let current: Spawned | undefined;
  let previous = '';
  let starts = 0;
  return {
    log: () => previous + (current?.output() ?? ''),
    get starts() {
      return starts;
    },
    get pid() {
      return current?.child.pid;
    },
    async start() {
      if (current) previous += current.output();
      current = spawnBuilt('src/worker.ts', [], env);
      starts++;
      await Promise.race([
        current.waitFor(/polling task queue/, 120_000),
        current.exited.then((code) => {
          throw new Error(`worker exited (${code}) while starting:\n${current?.output()}`);
        }),
      ]);
    },
    async kill() {
      if (!current || current.child.exitCode !== null) return;
      current.child.kill('SIGKILL');
      await current.exited;
    },
    async stop() {
      if (!current || current.child.exitCode !== null || current.child.signalCode !== null) return;
      const timer = setTimeout(() => current?.child.kill('SIGKILL'), 15_000);
      current.child.kill('SIGTERM');
      await current.exited;
      clearTimeout(timer);
    },
  };
}

let bundled: Promise<string> | undefined;

/** The workflow code bundled once per process, in a temporary file removed at exit. */
function bundleOnce(): Promise<string> {
  bundled ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cvm-image-bundle-'));
    const file = path.join(dir, 'workflow-bundle.js');
    const quiet = () => undefined;
    const logger = { trace: quiet, debug: quiet, info: quiet, log: quiet, warn: console.warn, error: console.error };
    writeFileSync(
      file,
      (await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger })).code,
    );
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return file;
  })();
  return bundled;
}

export async function startChaosEnv(opts: ChaosEnvOptions): Promise<ChaosEnv> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch((err) => console.warn('chaos cleanup:', err));
    cleanups.length = 0;
  };
  try {
    let server: DevServer | undefined;
    let dir: string | undefined;
    let address = opts.address;
    if (!address) {
      dir = mkdtempSync(path.join(os.tmpdir(), 'cvm-image-chaos-'));
      const dbFilename = path.join(dir, 'temporal.db');
      server = await startTestServer({ dbFilename });
      address = server.address;
      cleanups.push(async () => {
        await server?.stop();
        rmSync(dir!, { recursive: true, force: true });
      });
    }
    // The worker runs from lib/ (no tsx loader at each restart); under jest the global setup built it already.
    await ensureFreshBuild();
    // Restarts take a second with the workflow code bundled ahead (the test suite's, or one of our own).
    const bundlePath = opts.workflowBundlePath ?? process.env.CVM_TEST_WORKFLOW_BUNDLE ?? (await bundleOnce());
    const emu = await startTestEmulator({
      durations: opts.durations,
      ...(opts.credentials ? { credentials: [opts.credentials] } : {}),
    });
    cleanups.push(() => emu.close());
    const lagMs = opts.lagMs ?? Number(process.env.CVM_CHAOS_LAG_MS ?? 0);
    if (lagMs > 0) await emu.admin.config({ visibilityLagMs: lagMs, deletionLagMs: lagMs });
    const connection = await Connection.connect({ address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection });
    const workerEnv: NodeJS.ProcessEnv = {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'default',
      CVM_IMAGE_TASK_QUEUE: opts.taskQueue,
      CVM_IMAGE_POLL_INTERVAL_MS: String(opts.pollIntervalMs),
      CVM_IMAGE_WORKFLOW_BUNDLE: bundlePath,
      TENCENTCLOUD_ENDPOINT: emu.url,
      TENCENTCLOUD_SECRET_ID: emu.credential.secretId,
      TENCENTCLOUD_SECRET_KEY: emu.credential.secretKey,
      ...opts.workerEnv,
    };
    const workers = Array.from({ length: opts.workers ?? 1 }, () => workerProcess(workerEnv));
    const worker = workers[0];
    for (const w of workers) cleanups.push(() => w.stop());
    await Promise.all(workers.map((w) => w.start()));
    const port = Number(address.split(':').pop());
    return {
      address,
      taskQueue: opts.taskQueue,
      emu,
      client,
      worker,
      workers,
      workflowBundlePath: bundlePath,
      async restartServer() {
        if (!server || !dir) throw new Error('the server is not ours to restart (an address was given)');
        await server.stop();
        server = await startTestServer({ port, dbFilename: path.join(dir, 'temporal.db') });
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
