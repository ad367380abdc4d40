/**
 * The worker: connects to Temporal (envconfig), runs the image workflows and the activities with real
 * Tencent Cloud clients (or the emulator through TENCENTCLOUD_ENDPOINT), and shuts down gracefully on
 * SIGINT/SIGTERM. `npm run worker` runs it alone against whatever the environment points at.
 */
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type LogLevel,
  type WorkerOptions,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';
import { POLLER_MODES, type PollerMode } from './activities/pollers';
import { readFileSync } from 'node:fs';
import { checkBundleEncodesFailures, dataConverterFromEnv } from './codec/env';
import { cloudConfigFromEnv, createTencentClients } from './cloud/clients';
import { DEFAULT_MAX_ACTIVITIES, DEFAULT_MAX_CACHED_WORKFLOWS } from './worker-defaults';
import { budgetModeFromEnv, createFleetWorkers, regionsFromEnv, WorkerGroup, type BudgetMode } from './fleet-worker';
import { taskQueueFromEnv, temporalTargetFromEnv } from './temporal/connection';
import { OutcomeLogger } from './temporal/outcome-logger';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  deps?: Partial<ActivityDeps>;
  /** Pre-built bundle (tests build it once); otherwise the workflows are bundled from source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Defaults to the AES-256-GCM payload codec when CVM_IMAGE_CODEC_KEY is set (src/codec). */
  dataConverter?: WorkerOptions['dataConverter'];
  maxConcurrentActivityTaskExecutions?: number;
  /**
   * Longest gap between heartbeats sent to the server: how fast a waiting activity learns it was cancelled
   * (default 5 s; the SDK's default would be 24 s with our 30 s heartbeat timeout).
   */
  maxHeartbeatThrottleInterval?: WorkerOptions['maxHeartbeatThrottleInterval'];
  /** Worker Versioning; defaults to deploymentFromEnv() (none unless CVM_IMAGE_BUILD_ID is set). */
  workerDeploymentOptions?: WorkerOptions['workerDeploymentOptions'];
}

/** CVM_IMAGE_POLL_INTERVAL_MS: the Describe* polling interval (default 1 s; chaos runs and demos use less). */
export function pollIntervalFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.CVM_IMAGE_POLL_INTERVAL_MS;
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 10)
    throw new Error(`CVM_IMAGE_POLL_INTERVAL_MS must be a whole number of ms ≥ 10, got "${raw}"`);
  return ms;
}

/** CVM_IMAGE_POLLER: batched (default) or per-activity (each wait polls alone; for the benchmark's comparison). */
export function pollerModeFromEnv(env: NodeJS.ProcessEnv = process.env): PollerMode | undefined {
  const raw = env.CVM_IMAGE_POLLER;
  if (raw === undefined || raw === '') return undefined;
  if (!(POLLER_MODES as readonly string[]).includes(raw))
    throw new Error(`CVM_IMAGE_POLLER must be one of ${POLLER_MODES.join(', ')}, got "${raw}"`);
  return raw as PollerMode;
}

/**
 * CVM_IMAGE_MAX_ACTIVITIES: activity slots of the worker (default DEFAULT_MAX_ACTIVITIES). Each pipeline's long
 * wait holds a slot while it waits (cheaply: a registration with the shared poller), so a fleet needs one per
 * pipeline.
 */
export function maxActivitiesFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.CVM_IMAGE_MAX_ACTIVITIES;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`CVM_IMAGE_MAX_ACTIVITIES must be a whole number ≥ 1, got "${raw}"`);
  return n;
}

/**
 * CVM_IMAGE_MAX_CACHED_WORKFLOWS: sticky workflow cache size (default DEFAULT_MAX_CACHED_WORKFLOWS). A
 * pipeline spends minutes waiting between workflow tasks, so a small cache trades a short replay (≤ 100
 * events) per task for memory that no longer grows with the fleet (docs/bench.md).
 */
export function maxCachedWorkflowsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.CVM_IMAGE_MAX_CACHED_WORKFLOWS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`CVM_IMAGE_MAX_CACHED_WORKFLOWS must be a whole number ≥ 0, got "${raw}"`);
  return n;
}

/** CVM_IMAGE_LATE_SETTLE_MS: the settle window for late-applied calls (default: src/activities/reconcile.ts). */
function lateSettleFromEnv(): number | undefined {
  const raw = process.env.CVM_IMAGE_LATE_SETTLE_MS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`CVM_IMAGE_LATE_SETTLE_MS must be a whole number ≥ 0, got "${raw}"`);
  return n;
}

function activityDeps(opts: CreateWorkerOptions): ActivityDeps {
  return {
    clients: createTencentClients(cloudConfigFromEnv()),
    pollIntervalMs: pollIntervalFromEnv(),
    pollerMode: pollerModeFromEnv(),
    lateCallSettleMs: lateSettleFromEnv(),
    ...opts.deps,
  };
}

/** CVM_IMAGE_DEPLOYMENT_NAME when none is given but CVM_IMAGE_BUILD_ID is. */
export const DEFAULT_DEPLOYMENT_NAME = 'cvm-image';

/**
 * Worker Versioning (docs/deploy.md), opt-in: with CVM_IMAGE_BUILD_ID set, the worker joins the worker
 * deployment CVM_IMAGE_DEPLOYMENT_NAME (default cvm-image) as that build. `createCustomImage` is pinned
 * (a run finishes on the build it started on); the short lifecycle workflows auto-upgrade, so their changes
 * still need `patched()`. Unset (tests, `npm start`): an unversioned worker, no current version to set.
 */
export function deploymentFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerOptions['workerDeploymentOptions'] {
  const buildId = env.CVM_IMAGE_BUILD_ID?.trim();
  const deploymentName = env.CVM_IMAGE_DEPLOYMENT_NAME?.trim() || DEFAULT_DEPLOYMENT_NAME;
  if (!buildId) {
    if (env.CVM_IMAGE_DEPLOYMENT_NAME) throw new Error('CVM_IMAGE_DEPLOYMENT_NAME needs CVM_IMAGE_BUILD_ID');
    return undefined;
  }
  return { version: { deploymentName, buildId }, useWorkerVersioning: true, defaultVersioningBehavior: 'AUTO_UPGRADE' };
}

/** The workflow worker's options apart from connection, namespace, task queue and activities. */
function workflowWorkerOptions(opts: CreateWorkerOptions) {
  const dataConverter = opts.dataConverter ?? dataConverterFromEnv();
  const bundle = opts.workflowBundle;
  if (bundle) {
    checkBundleEncodesFailures('code' in bundle ? bundle.code : readFileSync(bundle.codePath, 'utf8'), dataConverter);
  }
  const deployment = opts.workerDeploymentOptions ?? deploymentFromEnv();
  return {
    ...(deployment ? { workerDeploymentOptions: deployment } : {}),
    dataConverter,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: require.resolve('./workflows') }),
    maxConcurrentActivityTaskExecutions:
      opts.maxConcurrentActivityTaskExecutions ?? maxActivitiesFromEnv() ?? DEFAULT_MAX_ACTIVITIES,
    maxCachedWorkflows: maxCachedWorkflowsFromEnv() ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    maxHeartbeatThrottleInterval: opts.maxHeartbeatThrottleInterval ?? '5s',
  } satisfies Partial<WorkerOptions>;
}

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? taskQueueFromEnv(),
    activities: createActivities(activityDeps(opts)),
    ...workflowWorkerOptions(opts),
  });
}

/**
 * The worker as `npm run worker` runs it: one TS Worker (CVM_IMAGE_BUDGET=process, the default), or in
 * fleet mode the workflow worker plus the budget-queue workers of CVM_IMAGE_REGIONS (src/fleet-worker.ts).
 */
export async function createWorkerGroup(
  opts: CreateWorkerOptions & { mode?: BudgetMode; regions?: readonly string[] },
): Promise<WorkerGroup> {
  if ((opts.mode ?? budgetModeFromEnv()) === 'process') return new WorkerGroup([await createWorker(opts)]);
  return createFleetWorkers({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? taskQueueFromEnv(),
    regions: opts.regions ?? regionsFromEnv(),
    deps: activityDeps(opts),
    workflowWorker: workflowWorkerOptions(opts),
  });
}

/**
 * Logging at CVM_IMAGE_LOG_LEVEL (default INFO) and Prometheus metrics when CVM_IMAGE_METRICS_ADDR
 * (host:port) is set; must precede any connection.
 */
export function installRuntime(env: NodeJS.ProcessEnv = process.env): void {
  const bindAddress = env.CVM_IMAGE_METRICS_ADDR;
  const level = (env.CVM_IMAGE_LOG_LEVEL?.toUpperCase() ?? 'INFO') as LogLevel;
  Runtime.install({
    // Expected outcomes (refusals) as one INFO line, webpack statistics as one line: see outcome-logger.ts.
    logger: new OutcomeLogger(new DefaultLogger(level)),
    ...(bindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress } } } } : {}),
  });
}

export async function main(): Promise<void> {
  installRuntime();
  const target = temporalTargetFromEnv();
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect(target.connectConfig.connectionOptions);
  } catch (err) {
    console.error(
      `cvm-image worker: cannot reach the Temporal server at ${target.address} (namespace ${target.namespace}): ` +
        `${(err as Error).message}\nSet TEMPORAL_ADDRESS (or a TEMPORAL_PROFILE) to a running server.`,
    );
    process.exit(1);
  }
  const taskQueue = taskQueueFromEnv();
  // CVM_IMAGE_WORKFLOW_BUNDLE: workflow code bundled ahead (bundleWorkflowCode): a restart takes a second, not five.
  const codePath = process.env.CVM_IMAGE_WORKFLOW_BUNDLE;
  const mode = budgetModeFromEnv();
  const worker = await createWorkerGroup({
    mode,
    connection,
    namespace: target.namespace,
    taskQueue,
    ...(codePath ? { workflowBundle: { codePath } } : {}),
  });
  const budget = mode === 'fleet' ? `, fleet budget queues: ${worker.workers.length - 1}` : '';
  console.log(`cvm-image worker: polling task queue ${taskQueue} on ${target.address} (${target.namespace})${budget}`);
  try {
    await worker.run(); // resolves after SIGINT/SIGTERM, once in-flight tasks are done
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error('cvm-image worker: fatal:', err);
    process.exit(1);
  });
}
