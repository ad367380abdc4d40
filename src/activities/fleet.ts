/**
 * Fleet mode (docs/scale-out.md): the server-side dispatch rate of each (budget class, region) task queue,
 * and how many workers share a region's budget, as the Temporal server sees them — no lock service, no
 * state of our own: a worker that dies drops out of the server's poller list, a new one appears in it.
 */
import { BUDGET_CLASSES, budgetQueue, type BudgetClass } from '../contract/budget';
import { DEFAULT_LIMIT, DOCUMENTED_LIMITS } from './rate-limit';

/**
 * Most Tencent calls of each action one task of the class makes on a first attempt (lookups included):
 * the dispatch rate of the class's queue is set so that even these bounds stay within the budget.
 * Retries (Temporal's, and the Describe* retries in tencent-api.ts) are extra and rare; the worker's own
 * limiter (its share of the fleet budget) still holds them.
 */
export const CALLS_PER_TASK: Readonly<Record<Exclude<BudgetClass, 'wait'>, Readonly<Record<string, number>>>> = {
  // createImage: CreateImage, and 2 lookups only when it must adopt; delete: 1 lookup + DeleteImages.
  image: { CreateImage: 1, DeleteImages: 1, SyncImages: 1, ModifyImageSharePermission: 1, DescribeImages: 2 },
  instance: { StopInstances: 1, StartInstances: 1, RunInstances: 1, TerminateInstances: 1, DescribeInstances: 2 },
  snapshot: { CreateSnapshot: 1, DeleteSnapshots: 1, DescribeSnapshots: 2 },
  // A guest script: RunCommand, then its result polled about once a second while it runs.
  guest: { RunCommand: 1, DescribeInvocationTasks: 1 },
  // DescribeImageQuota and the listing (one page per 100 private images; 2 pages at ≤ 200 images).
  quota: { DescribeImageQuota: 1, DescribeImages: 2 },
  read: { DescribeImages: 1, DescribeInstances: 1, DescribeSnapshots: 1, DescribeImageSharePermission: 1 },
};

/**
 * Activities per second the server may dispatch from a class's queue in one region: the tightest
 * (share × documented limit ÷ calls per task) over the actions the class calls. `undefined`: not limited
 * (`wait` activities only register with the worker's pollers).
 */
export function dispatchRate(cls: BudgetClass, share = 0.5, limits = DOCUMENTED_LIMITS): number | undefined {
  if (cls === 'wait') return undefined;
  const rates = Object.entries(CALLS_PER_TASK[cls]).map(
    ([action, n]) => ((limits[action] ?? DEFAULT_LIMIT) * share) / n,
  );
  return Math.min(...rates);
}

/** Every (class, region) queue a worker serves, with its dispatch rate. */
export function budgetQueues(base: string, regions: readonly string[], share = 0.5) {
  return regions.flatMap((region) =>
    BUDGET_CLASSES.map((cls) => ({
      cls,
      region,
      taskQueue: budgetQueue(base, cls, region),
      rate: dispatchRate(cls, share),
    })),
  );
}

/** The slice of the WorkflowService the membership needs (a NativeConnection or a client Connection has it). */
export interface TaskQueueDescriber {
  describeTaskQueue(req: {
    namespace: string;
    taskQueue: { name: string };
    taskQueueType: number;
  }): Promise<{ pollers?: { identity?: string | null; lastAccessTime?: { seconds?: unknown } | null }[] | null }>;
}

/** temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY */
const TASK_QUEUE_TYPE_ACTIVITY = 2;

/**
 * A poller the server saw within this window counts as a live worker. The server refreshes a poller's
 * entry about once a minute while it polls, so this errs towards counting a worker that just died (its
 * budget share stays unused for a while) rather than missing a live one (which would overspend).
 */
export const LIVE_POLLER_WINDOW_MS = 180_000;

/**
 * How many worker processes serve each region: the distinct identities polling the region's `wait` queue
 * (every fleet-mode worker that serves a region polls it). Refreshed periodically; never below 1.
 */
export class FleetMembership {
  private readonly counts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly service: TaskQueueDescriber,
    private readonly namespace: string,
    private readonly base: string,
    private readonly regions: readonly string[],
    /** This worker's identity: counted even before the server has seen its first poll. */
    private readonly self: string,
    private readonly now: () => number = Date.now,
  ) {}

  workersIn = (region: string): number => this.counts.get(region) ?? 1;

  async refresh(): Promise<void> {
    await Promise.all(
      this.regions.map(async (region) => {
        try {
          const res = await this.service.describeTaskQueue({
            namespace: this.namespace,
            taskQueue: { name: budgetQueue(this.base, 'wait', region) },
            taskQueueType: TASK_QUEUE_TYPE_ACTIVITY,
          });
          const live = new Set(
            (res.pollers ?? [])
              .filter((p) => this.now() - Number(p.lastAccessTime?.seconds ?? 0) * 1000 <= LIVE_POLLER_WINDOW_MS)
              .map((p) => p.identity ?? ''),
          );
          live.add(this.self);
          this.counts.set(region, live.size);
        } catch {
          // Keep the last count: a transient error must not hand this worker the whole budget.
        }
      }),
    );
  }

  /** Refreshes now and then every `everyMs`, until `stop()`. */
  async start(everyMs = 5_000): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
