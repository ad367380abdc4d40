/**
 * One pipeline test bench per test file: its own emulator (free port, fast durations), its own worker on
 * its own task queue (the real worker factory with emulator-bound clients), and a client for the suite's
 * dev server. Plus helpers to start pipelines and to check that nothing was left behind.
 */
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../src/activities';
import type { EmulatorOptions } from '../../src/emulator';
import type { FixtureInstance } from '../../src/emulator/cvm/fixtures';
import { createWorker } from '../../src/worker';
import type { createCustomImage } from '../../src/workflows';
import {
  pipelineWorkflowId,
  WORKFLOW_TYPE,
  type CreateCustomImageInput,
  type PipelineProgress,
} from '../../src/contract';
import { startTestEmulator, waitFor, type EmulatorStateView, type TestEmulator } from './emulator';
import { testClient, testNativeConnection, uniqueTaskQueue, workflowBundle } from './temporal';

export const REGION = 'ap-guangzhou';

export type PipelineHandle = WorkflowHandle<typeof createCustomImage>;

export interface PipelineBench {
  emu: TestEmulator;
  client: Client;
  taskQueue: string;
  worker: Worker;
  /** Starts a pipeline the way operators do: recommended id, conflict policy FAIL. */
  start(input: CreateCustomImageInput): Promise<PipelineHandle>;
  /** Stops the worker (as a crash-free restart would) and starts a fresh one on the same queue. */
  restartWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface BenchOptions {
  emulator?: EmulatorOptions;
  deps?: Partial<ActivityDeps>;
}

/** The late-call settle window of test workers (production: the SDK's 30 s request timeout). */
export const TEST_LATE_SETTLE_MS = 2_000;

export async function startBench(opts: BenchOptions = {}): Promise<PipelineBench> {
  const emu = await startTestEmulator(opts.emulator);
  let connection: Connection | undefined;
  let native: NativeConnection | undefined;
  try {
    const tc = await testClient();
    connection = tc.connection;
    const client = tc.client;
    native = await testNativeConnection();
    const taskQueue = uniqueTaskQueue('pipeline');
    const makeWorker = () =>
      createWorker({
        connection: native!,
        taskQueue,
        workflowBundle: workflowBundle(),
        deps: {
          clients: emu.clients,
          pollIntervalMs: 50,
          visibilityGraceMs: 5000,
          // The emulator answers or drops a call at once and never applies one late unless a test asks it to
          // (late-calls.test.ts sets its own window): the production 30 s settle window would only add waiting.
          lateCallSettleMs: TEST_LATE_SETTLE_MS,
          ...opts.deps,
        },
        // How soon a waiting activity sends what it saw, and so learns it was cancelled: 1 s, not the worker's
        // 5 s. At 200 ms every waiting activity wrote five heartbeats a second to the server, 4–9 % of the CPU
        // of five pipeline files (A/B twice, 2026-12-01) for no test that needs it.
        maxHeartbeatThrottleInterval: '1s',
      });
    let worker = await makeWorker();
    let running = worker.run();
    const bench: PipelineBench = {
      emu,
      client,
      taskQueue,
      get worker() {
        return worker;
      },
      start: (input) =>
        client.workflow.start<typeof createCustomImage>(WORKFLOW_TYPE, {
          taskQueue,
          workflowId: pipelineWorkflowId(input.region, input.instanceId),
          workflowIdConflictPolicy: 'FAIL',
          args: [input],
        }),
      async restartWorker() {
        worker.shutdown();
        await running;
        worker = await makeWorker();
        running = worker.run();
      },
      async close() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        await native?.close();
        await connection?.close();
        await emu.close();
      },
    };
    return bench;
  } catch (err) {
    await native?.close();
    await connection?.close();
    await emu.close();
    throw err;
  }
}

/** A data disk mounted through /etc/fstab by UUID, the way people usually do it. */
export function onlineInstanceWithDataDisk(over: Partial<FixtureInstance> = {}): FixtureInstance {
  return {
    region: REGION,
    createdTime: '2023-06-01T00:00:00Z',
    sourceImageType: 'PUBLIC_IMAGE',
    dataDisks: [{ sizeGb: 50, fsUuid: '6f1b2c3d-aaaa-4bbb-8ccc-0123456789ab', fsLabel: 'data1' }],
    files: {
      '/etc/fstab': [
        '# /etc/fstab: static file system information.',
        'LABEL=cloudimg-rootfs / ext4 defaults 0 1',
        '/swapfile none swap sw 0 0',
        'proc /proc proc defaults 0 0',
        'UUID=6f1b2c3d-aaaa-4bbb-8ccc-0123456789ab /data ext4 defaults 0 2',
        '',
      ].join('\n'),
      '/data/README': 'business data\n',
    },
    ...over,
  };
}

/** Polls the `progress` query until `check` accepts it. */
export function progressWhen(
  handle: PipelineHandle,
  check: (p: PipelineProgress) => boolean,
  what: string,
): Promise<PipelineProgress> {
  return waitFor(
    async () => {
      const p = await handle.query<PipelineProgress>('progress').catch(() => undefined);
      return p && check(p) ? p : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 50, what },
  );
}

/** What a finished or undone pipeline may leave: exactly `keep`, nothing else made since `before`. */
export async function leftovers(emu: TestEmulator, before: EmulatorStateView) {
  const after = await emu.admin.state();
  const known = <T extends { id: string }>(list: T[]) => new Set(list.map((x) => x.id));
  const newImages = after.images.filter((i) => !known(before.images).has(i.id));
  const newSnapshots = after.snapshots.filter((s) => !known(before.snapshots).has(s.id));
  const launched = after.instances.filter((i) => !known(before.instances).has(i.id));
  // TerminateInstances refuses LAUNCH_FAILED instances (UnsupportedOperation.InstanceStateLaunchFailed) and no
  // doc says how one goes away: they are listed apart, for the test to check the run named them.
  const launchFailed = launched.filter((i) => i.state === 'LAUNCH_FAILED');
  const newInstances = launched.filter((i) => i.state !== 'LAUNCH_FAILED');
  const failedIds = new Set(launchFailed.map((i) => i.id));
  const newDisks = after.disks.filter((d) => !known(before.disks).has(d.id) && !failedIds.has(d.instanceId ?? ''));
  return { after, newImages, newSnapshots, newInstances, newDisks, launchFailed };
}

export async function instanceView(emu: TestEmulator, instanceId: string) {
  const state = await emu.admin.state();
  const inst = state.instances.find((i) => i.id === instanceId);
  if (!inst) throw new Error(`instance ${instanceId} is gone from the emulator`);
  return inst;
}

/** Calls per action made between two `requests()` readings (all regions). */
export function callsBetween(
  before: { counts: Record<string, Record<string, number>> },
  after: { counts: Record<string, Record<string, number>> },
): Record<string, number> {
  const sum = (c: Record<string, number> | undefined) => Object.values(c ?? {}).reduce((a, b) => a + b, 0);
  const out: Record<string, number> = {};
  for (const action of Object.keys(after.counts)) {
    const n = sum(after.counts[action]) - sum(before.counts[action]);
    if (n) out[action] = n;
  }
  return out;
}

/** The failure a pipeline ended with: the workflow's own ApplicationFailure (type, message, details). */
export async function failureOf(handle: { result(): Promise<unknown> }) {
  try {
    await handle.result();
  } catch (err) {
    const cause = (err as { cause?: { type?: string; message: string; details?: unknown[] } }).cause;
    if (!cause) throw err;
    return { type: cause.type, message: cause.message, details: cause.details, error: err as Error };
  }
  throw new Error('expected the pipeline to fail, but it completed');
}
