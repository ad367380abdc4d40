/**
 * Every Tencent Cloud call an activity makes goes through here: it waits for the shared rate limiter,
 * sends through the SDK client for the region, and turns failures into classified `ApplicationFailure`s
 * that still carry the Tencent error code (so an activity can treat a code specially).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { CbsClient, CvmClient, TatClient, TencentClients } from '../cloud/clients';
import { classify } from './errors';
import type { RateLimiter } from './rate-limit';
import { RETRYABLE_TENCENT_ERROR } from '../contract';

const READ_TRIES = 3;
const READ_BACKOFF_MS = 200;
/** An attempt stops queueing for the rate limiter this long before its start-to-close timeout. */
export const ATTEMPT_MARGIN_MS = 2000;

const attemptStarts = new WeakMap<Context, number>();
/** Attempts that have sent a mutation (anything but Describe*). */
const mutated = new WeakSet<Context>();

/** Activity executions remembered by `QueueExpiries` at most (oldest forgotten first; forgetting is safe). */
export const QUEUE_EXPIRIES_KEPT = 10_000;

/**
 * Attempts of an activity that ended in the rate-limit queue without sending any mutation, on this worker.
 * A retry whose every earlier attempt is here knows that nothing of its own can exist in the cloud, so it
 * skips the lookups a retry otherwise makes to adopt what an earlier attempt did (#15: at N = 1,000 the
 * CreateImage queue outlasts a 60 s attempt; each retry cost two DescribeImages just as images flipped).
 */
class QueueExpiries {
  private readonly byExecution = new Map<string, Set<number>>();

  private static key(ctx: Context): string {
    const wf = ctx.info.workflowExecution;
    return `${wf?.workflowId}/${wf?.runId}/${ctx.info.activityId}`;
  }

  record(ctx: Context): void {
    const key = QueueExpiries.key(ctx);
    const attempts = this.byExecution.get(key) ?? new Set<number>();
    attempts.add(ctx.info.attempt);
    this.byExecution.delete(key); // re-inserted last: the map's order is the eviction order
    this.byExecution.set(key, attempts);
    if (this.byExecution.size > QUEUE_EXPIRIES_KEPT) this.byExecution.delete(this.byExecution.keys().next().value!);
  }

  /** True when every earlier attempt is known to have expired in the queue before sending a mutation. */
  nothingSentBefore(ctx: Context): boolean {
    const attempts = this.byExecution.get(QueueExpiries.key(ctx));
    for (let a = 1; a < ctx.info.attempt; a++) if (!attempts?.has(a)) return false;
    return true;
  }
}

/**
 * The current activity attempt's bound on waiting for the rate limiter: its cancellation, and its
 * start-to-close deadline less a margin. Without it an attempt the server already timed out keeps its
 * place in the queue and spends a token for nothing, and a fleet's burst never drains (found at N = 1,000).
 */
function attemptBound(
  outliveCancel: boolean,
): { ctx: Context; signal: AbortSignal; deadline: AbortSignal; priority: number } | undefined {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return undefined; // not inside an activity (CLI, tests)
  }
  const start = attemptStarts.get(ctx) ?? Date.now();
  attemptStarts.set(ctx, start);
  const budget = ctx.info.startToCloseTimeoutMs - (Date.now() - start) - ATTEMPT_MARGIN_MS;
  const deadline = AbortSignal.timeout(Math.max(0, budget));
  return {
    ctx,
    signal: outliveCancel ? deadline : AbortSignal.any([ctx.cancellationSignal, deadline]),
    deadline,
    priority: queuePriority(ctx),
  };
}

/** Temporal's default priority key (1 first … 5 last) for activities that set none. */
const DEFAULT_PRIORITY_KEY = 3;

/**
 * An attempt's place in the rate-limit queue: its activity's Temporal priority key first (the workflow sets
 * it where the order matters, src/workflows/call-priority.ts), then when the activity was first scheduled,
 * so a retry keeps the place of its first attempt. Epoch ms stay below 1e13, so the key dominates.
 */
export function queuePriority(ctx: Context): number {
  const key = ctx.info.priority?.priorityKey || DEFAULT_PRIORITY_KEY;
  return key * 1e13 + (ctx.info.scheduledTimestampMs || Date.now());
}

/**
 * Mutations a client gave up on without Tencent's answer (timeout, reset connection: no RequestId), per
 * workflow run, on this worker: Tencent may still apply them (#19 item 1). The run's final reconciliation
 * waits a settle window after the last one (src/activities/reconcile.ts).
 */
export class UnansweredMutations {
  private readonly lastByRun = new Map<string, number>();
  /** When this worker process began: a call left unanswered by an earlier process is not in the map. */
  readonly since = Date.now();

  record(runId: string, at = Date.now()): void {
    this.lastByRun.delete(runId);
    this.lastByRun.set(runId, at);
    if (this.lastByRun.size > QUEUE_EXPIRIES_KEPT) this.lastByRun.delete(this.lastByRun.keys().next().value!);
  }

  last(runId: string): number | undefined {
    return this.lastByRun.get(runId);
  }
}

export class TencentApi {
  readonly unanswered: UnansweredMutations;

  constructor(
    private readonly clients: TencentClients,
    private readonly limiter: RateLimiter,
    /** Shared pollers serve many activities: no single attempt bounds their calls. */
    private readonly boundByAttempt = true,
    private readonly expiries = new QueueExpiries(),
    unanswered = new UnansweredMutations(),
  ) {
    this.unanswered = unanswered;
  }

  /** The same clients and limiter, for callers that work for many activities at once (the pollers). */
  shared(): TencentApi {
    return new TencentApi(this.clients, this.limiter, false, this.expiries, this.unanswered);
  }

  /**
   * Inside an activity: true on a first attempt, and on a retry whose earlier attempts all ran on this worker
   * and gave up in the rate-limit queue before sending any mutation. Then nothing of this execution can exist
   * in the cloud yet, and the lookups that adopt an earlier attempt's work are skipped. False otherwise.
   */
  nothingSentBefore(): boolean {
    let ctx: Context;
    try {
      ctx = Context.current();
    } catch {
      return false;
    }
    return ctx.info.attempt <= 1 || this.expiries.nothingSentBefore(ctx);
  }

  cvm<R>(region: string, action: string, send: (c: CvmClient) => Promise<R>, signal?: AbortSignal): Promise<R> {
    return this.call(region, action, () => send(this.clients.cvm(region)), signal);
  }

  cbs<R>(region: string, action: string, send: (c: CbsClient) => Promise<R>, signal?: AbortSignal): Promise<R> {
    return this.call(region, action, () => send(this.clients.cbs(region)), signal);
  }

  /**
   * `outliveCancel`: the call must still go out after the activity is cancelled — watching a guest script
   * that was already delivered until it ends, so an undo script never runs beside it.
   */
  tat<R>(
    region: string,
    action: string,
    send: (c: TatClient) => Promise<R>,
    signal?: AbortSignal,
    outliveCancel = false,
  ): Promise<R> {
    return this.call(region, action, () => send(this.clients.tat(region)), signal, outliveCancel);
  }

  /**
   * Read-only calls (Describe*) are retried here a couple of times on transient errors: cheaper than failing
   * the whole activity attempt, and safe because they change nothing. Mutations are retried by Temporal,
   * after the activity has looked for what an earlier attempt may have done.
   */
  private async call<R>(
    region: string,
    action: string,
    send: () => Promise<R>,
    signal?: AbortSignal,
    outliveCancel = false,
  ): Promise<R> {
    const tries = action.startsWith('Describe') ? READ_TRIES : 1;
    const bound = this.boundByAttempt ? attemptBound(outliveCancel) : undefined;
    const queueSignal = bound ? AbortSignal.any(signal ? [signal, bound.signal] : [bound.signal]) : signal;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.limiter.acquire(action, queueSignal, region, bound?.priority);
      } catch (err) {
        if (!bound?.deadline.aborted || signal?.aborted) throw err;
        if (!mutated.has(bound.ctx)) this.expiries.record(bound.ctx);
        throw ApplicationFailure.retryable(
          `${action}: the client-side rate-limit queue outlasted this attempt; retrying later`,
          RETRYABLE_TENCENT_ERROR,
        );
      }
      if (bound && !action.startsWith('Describe')) mutated.add(bound.ctx);
      try {
        return await send();
      } catch (err) {
        // No RequestId: Tencent never answered, so it may still apply this mutation later.
        const runId = bound?.ctx.info.workflowExecution?.runId;
        if (runId && !action.startsWith('Describe') && !(err as { requestId?: string } | null)?.requestId)
          this.unanswered.record(runId);
        const failure = classify(err, action);
        if (failure.nonRetryable || attempt >= tries || signal?.aborted) throw failure;
        await new Promise((r) => setTimeout(r, READ_BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
  }
}

/** The Tencent error code behind a classified failure (or a raw SDK error), if any. */
export function codeOf(err: unknown): string | undefined {
  if (err instanceof ApplicationFailure) {
    const d = err.details?.[0] as { code?: unknown } | undefined;
    return typeof d?.code === 'string' ? d.code : undefined;
  }
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
