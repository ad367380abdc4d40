/**
 * Client-side rate limiting per Tencent action and region (Tencent counts per action and region), shared by
 * every activity in the worker, at half of Tencent's documented per-second limits so that several pipelines
 * (and other tools on the same account) never trip `RequestLimitExceeded`. Each (action, region) gets a
 * bucket of N tokens where a token comes back a little over one second after it was taken, so no
 * one-second window ever holds more than N calls. In fleet mode the worker's share of a region's budget is
 * divided by the number of workers serving the region, as the Temporal server counts them
 * (src/activities/fleet.ts); the task-queue dispatch limits do the rest (docs/scale-out.md).
 */

/**
 * Tencent's documented limits (requests per second, per action and region) for the actions the pipeline
 * calls: the "default request frequency limit" each action's API reference page states (cloud.tencent.com
 * /document/api/213 for CVM, /362 for CBS, /1340 for TAT). The one table: the bench reads it, the emulator
 * holds the same figures per action (src/emulator/{cvm,cbs,tat}/*.ts `rateLimit`).
 */
export const DOCUMENTED_LIMITS: Record<string, number> = {
  DescribeImages: 40,
  DescribeImageQuota: 10,
  CreateImage: 10,
  DeleteImages: 10,
  SyncImages: 10,
  ModifyImageSharePermission: 10,
  DescribeImageSharePermission: 10,
  DescribeInstances: 40,
  DescribeInstancesStatus: 40,
  RunInstances: 10,
  StartInstances: 10,
  StopInstances: 10,
  TerminateInstances: 10,
  CreateSnapshot: 20,
  DescribeSnapshots: 20,
  DeleteSnapshots: 20,
  DescribeDisks: 20,
  RunCommand: 20,
  DescribeInvocationTasks: 20,
  DescribeAutomationAgentStatus: 20,
};

/** For an action missing from the table: the most conservative documented figure. */
export const DEFAULT_LIMIT = 10;

export interface RateLimiterOptions {
  /** Fraction of the documented limit to use (default 0.5). */
  share?: number;
  limits?: Record<string, number>;
  now?: () => number;
  /** How many workers share a region's budget (fleet mode; default 1). */
  workersIn?: (region: string) => number;
}

/**
 * A token comes back this long after use: a second plus a margin, so that network jitter cannot squeeze
 * two windows' worth of calls into one second as Tencent counts them (on arrival).
 */
export const WINDOW_MS = 1100;

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

interface Waiting {
  /** Smaller goes first: the time the caller's activity was first scheduled (retries keep their place). */
  priority: number;
  seq: number;
  grant(): void;
}

class RollingWindow {
  private readonly taken: number[] = [];
  /** Callers waiting for a token, in (priority, arrival) order. */
  private readonly queue: Waiting[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Calls per second allowed now (may change: the fleet grows or shrinks); below 1, one per 1/x s. */
    private readonly perSecond: () => number,
    private readonly now: () => number,
  ) {}

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves when a token is the caller's: earliest priority first, ties in arrival order. */
  acquire(signal?: AbortSignal, priority = this.now()): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<void>((resolve, reject) => {
      const entry: Waiting = {
        priority,
        seq: this.seq++,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.queue.indexOf(entry);
        if (i >= 0) this.queue.splice(i, 1);
        reject(abortError(signal!));
        this.pump();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      let i = this.queue.length; // usually the last: priorities mostly arrive in order
      while (i > 0 && this.queue[i - 1].priority > priority) i--;
      this.queue.splice(i, 0, entry);
      this.pump();
    });
  }

  /** Grants tokens to the head of the queue while any are free, then sleeps until the next comes back. */
  private pump(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length) {
      const t = this.now();
      const rate = this.perSecond();
      const [tokens, windowMs] = rate >= 1 ? [Math.floor(rate), WINDOW_MS] : [1, WINDOW_MS / rate];
      while (this.taken.length && this.taken[0] <= t - windowMs) this.taken.shift();
      if (this.taken.length >= tokens) {
        const wait = this.taken[this.taken.length - tokens] + windowMs - t;
        this.timer = setTimeout(() => this.pump(), Math.max(1, wait));
        return;
      }
      this.taken.push(t);
      this.queue.shift()!.grant();
    }
  }
}

export class RateLimiter {
  private readonly windows = new Map<string, RollingWindow>();
  private readonly share: number;
  private readonly limits: Record<string, number>;
  private readonly now: () => number;
  private readonly workersIn: (region: string) => number;

  constructor(opts: RateLimiterOptions = {}) {
    this.share = opts.share ?? 0.5;
    this.limits = { ...DOCUMENTED_LIMITS, ...opts.limits };
    this.now = opts.now ?? Date.now;
    this.workersIn = opts.workersIn ?? (() => 1);
  }

  /** Calls per second this limiter allows for an action in a region (fractional when the fleet is large). */
  allowance(action: string, region = ''): number {
    const whole = Math.max(1, Math.floor((this.limits[action] ?? DEFAULT_LIMIT) * this.share));
    return whole / Math.max(1, this.workersIn(region));
  }

  /**
   * Resolves when the caller may send `action` in `region`; rejects if `signal` aborts first. Callers with an
   * earlier `priority` (epoch ms; default now) go first: an activity passes the time it was first scheduled, so
   * a retry after its attempt outlasted the queue goes ahead of calls scheduled after it.
   */
  acquire(action: string, signal?: AbortSignal, region = '', priority?: number): Promise<void> {
    const key = `${action}@${region}`;
    let w = this.windows.get(key);
    if (!w) {
      w = new RollingWindow(() => this.allowance(action, region), this.now);
      this.windows.set(key, w);
    }
    return w.acquire(signal, priority);
  }

  /** Callers waiting for `action` in `region` (tests, diagnostics). */
  waiting(action: string, region = ''): number {
    return this.windows.get(`${action}@${region}`)?.waiting ?? 0;
  }
}
