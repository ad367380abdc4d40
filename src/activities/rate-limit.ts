/**
 * Client-side rate limiting per Tencent action, shared by every activity in the worker, at half of
 * Tencent's documented per-second limits so that several pipelines (and other tools on the same account)
 * never trip `RequestLimitExceeded`. Each action gets a bucket of N tokens where a token comes back a
 * little over one second after it was taken, so no one-second window ever holds more than N calls.
 */

/** Tencent's documented limits (requests per second) for the actions the pipeline calls. */
export const DOCUMENTED_LIMITS: Record<string, number> = {
  DescribeImages: 40,
  DescribeImageQuota: 10,
  CreateImage: 10,
  DeleteImages: 10,
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
}

/**
 * A token comes back this long after use: a second plus a margin, so that network jitter cannot squeeze
 * two windows' worth of calls into one second as Tencent counts them (on arrival).
 */
export const WINDOW_MS = 1100;

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

class RollingWindow {
  private readonly taken: number[] = [];
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly perSecond: number,
    private readonly now: () => number,
  ) {}

  /** Callers queue in order; each waits until its token is free. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.tail.then(() => this.take(signal));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      const t = this.now();
      while (this.taken.length && this.taken[0] <= t - WINDOW_MS) this.taken.shift();
      if (this.taken.length < this.perSecond) {
        this.taken.push(t);
        return;
      }
      await sleep(this.taken[0] + WINDOW_MS - t, signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, Math.max(1, ms));
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(abortError(signal!));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class RateLimiter {
  private readonly windows = new Map<string, RollingWindow>();
  private readonly share: number;
  private readonly limits: Record<string, number>;
  private readonly now: () => number;

  constructor(opts: RateLimiterOptions = {}) {
    this.share = opts.share ?? 0.5;
    this.limits = { ...DOCUMENTED_LIMITS, ...opts.limits };
    this.now = opts.now ?? Date.now;
  }

  /** Calls per second this limiter allows for an action. */
  allowance(action: string): number {
    return Math.max(1, Math.floor((this.limits[action] ?? DEFAULT_LIMIT) * this.share));
  }

  /** Resolves when the caller may send `action`; rejects if `signal` aborts first. */
  acquire(action: string, signal?: AbortSignal): Promise<void> {
    let w = this.windows.get(action);
    if (!w) {
      w = new RollingWindow(this.allowance(action), this.now);
      this.windows.set(action, w);
    }
    return w.acquire(signal);
  }
}
