/**
 * Fleet mode (CVM_IMAGE_BUDGET=fleet, docs/scale-out.md): besides the workflow task queue, the worker serves
 * one task queue per (budget class, region) it is configured for, each a TS `Worker` on the same
 * NativeConnection. The server dispatches from each queue at most `maxTaskQueueActivitiesPerSecond` tasks
 * for all workers together, and the worker's own limiter takes 1/W of each region's budget, W being the
 * workers the server sees polling the region — so the fleet's calls stay within Tencent's limits whatever
 * the number of workers.
 */
import os from 'node:os';
import { NativeConnection, Worker, type State, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';
import { budgetQueues, FleetMembership } from './activities/fleet';
import { RateLimiter } from './activities/rate-limit';
import { TENCENT_REGIONS } from './workflows/regions';
import { DEFAULT_MAX_ACTIVITIES } from './worker-defaults';

export type BudgetMode = 'process' | 'fleet';

/** CVM_IMAGE_BUDGET: `process` (default: one worker's own budget) or `fleet` (budget queues; many workers). */
export function budgetModeFromEnv(env: NodeJS.ProcessEnv = process.env): BudgetMode {
  const raw = env.CVM_IMAGE_BUDGET;
  if (raw === undefined || raw === '' || raw === 'process') return 'process';
  if (raw === 'fleet') return 'fleet';
  throw new Error(`CVM_IMAGE_BUDGET must be "process" or "fleet", got "${raw}"`);
}

/** CVM_IMAGE_REGIONS: comma-separated regions this worker serves in fleet mode (default: every region). */
export function regionsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.CVM_IMAGE_REGIONS?.trim();
  if (!raw) return [...TENCENT_REGIONS];
  const regions = raw.split(',').map((r) => r.trim());
  const unknown = regions.filter((r) => !(TENCENT_REGIONS as readonly string[]).includes(r));
  if (unknown.length) throw new Error(`CVM_IMAGE_REGIONS: unknown region(s) ${unknown.join(', ')}`);
  return regions;
}

/** A set of TS Workers run and stopped together (what `npm run worker` runs in fleet mode). */
export class WorkerGroup {
  constructor(
    readonly workers: Worker[],
    private readonly onStop: () => void = () => {},
  ) {}

  getState(): State {
    return this.workers[0].getState();
  }

  shutdown(): void {
    for (const w of this.workers) if (w.getState() === 'RUNNING') w.shutdown();
  }

  /** Resolves once every worker has drained; one failing stops the others. */
  async run(): Promise<void> {
    try {
      await Promise.all(
        this.workers.map((w) =>
          w.run().catch((err) => {
            this.shutdown();
            throw err;
          }),
        ),
      );
    } finally {
      this.onStop();
    }
  }
}

export interface FleetWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  regions: readonly string[];
  deps: ActivityDeps;
  /** The workflow worker's options (bundle, data converter, slots, cache); the budget workers share some. */
  workflowWorker: Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities'>;
  /** Activity slots per budget queue (default 50; `wait` queues get the workflow worker's). */
  slotsPerQueue?: number;
}

export async function createFleetWorkers(opts: FleetWorkerOptions): Promise<WorkerGroup> {
  const identity = `${process.pid}@${os.hostname()}`;
  const membership = new FleetMembership(
    opts.connection.workflowService,
    opts.namespace,
    opts.taskQueue,
    opts.regions,
    identity,
  );
  await membership.start();
  const activities = createActivities({
    ...opts.deps,
    fleet: true,
    rateLimiter: opts.deps.rateLimiter ?? new RateLimiter({ workersIn: membership.workersIn }),
  });
  const common = {
    connection: opts.connection,
    namespace: opts.namespace,
    identity,
    activities,
    dataConverter: opts.workflowWorker.dataConverter,
    maxHeartbeatThrottleInterval: opts.workflowWorker.maxHeartbeatThrottleInterval,
    // Budget queues join the same deployment version: a pinned run's activities go to its own build.
    workerDeploymentOptions: opts.workflowWorker.workerDeploymentOptions,
  };
  const workers = [await Worker.create({ ...common, ...opts.workflowWorker, taskQueue: opts.taskQueue })];
  for (const q of budgetQueues(opts.taskQueue, opts.regions)) {
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: q.taskQueue,
        maxConcurrentActivityTaskExecutions:
          q.rate === undefined
            ? (opts.workflowWorker.maxConcurrentActivityTaskExecutions ?? DEFAULT_MAX_ACTIVITIES)
            : (opts.slotsPerQueue ?? 50),
        // Few tasks per second per queue: one poll in flight each keeps ~100 queues cheap on the server.
        maxConcurrentActivityTaskPolls: 1,
        ...(q.rate === undefined ? {} : { maxTaskQueueActivitiesPerSecond: q.rate }),
      }),
    );
  }
  return new WorkerGroup(workers, () => membership.stop());
}
