/**
 * Waiting happens here, in the worker, not in workflow timers. One poller per (region, resource kind)
 * serves every activity waiting on that kind: each round it batches all waited-on ids into Describe*
 * calls of at most 100 ids, so API calls grow with regions, not with pipelines. A waiting activity
 * registers an id with a `decide` function, heartbeats on every round, and leaves on cancellation.
 *
 * Failures are isolated (#13 item 1): an answer that refuses the whole request (a signature expired in
 * flight, throttling, an internal error, a credential problem) says nothing about the ids in it, so it is
 * ridden out for `refusalBudgetMs` before the waiters it concerns fail; an answer that concerns one id
 * (not found, malformed) is narrowed down by splitting the batch and fails that id's waiter only.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Image, Instance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import type { Snapshot } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/v20170312/cbs_models';
import type { AutomationAgentInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tat/v20201028/tat_models';
import { NON_RETRYABLE } from '../contract';
import { describeImages } from './image';
import { describeInstances } from './instance';
import { describeSnapshots } from './snapshot';
import { describeAgents } from './tat';
import type { TencentApi } from './tencent-api';

/** What a waiter makes of the latest view of its resource (undefined: not returned by Describe*). */
export type Decision<T> = { done: T } | { fail: Error } | { wait: true };

export interface Waiter<R, T> {
  id: string;
  decide(resource: R | undefined): Decision<T>;
  /** Called after every round, whatever happened (the waiting activity heartbeats here). */
  onRound?(resource: R | undefined): void;
  signal?: AbortSignal;
}

interface Registered<R> {
  id: string;
  /** When the requests covering this waiter started being refused (reset by any answer). */
  refusedSince?: number;
  settle(resource: R | undefined): void;
  round(resource: R | undefined): void;
  fail(err: Error): void;
}

export interface PollerOptions<R> {
  name: string;
  describe(ids: string[]): Promise<R[]>;
  idOf(resource: R): string | undefined;
  intervalMs: number;
  batchSize?: number;
  /**
   * How long request-level refusals are ridden out before a waiter fails with one (default: 30 rounds,
   * 30 s at the product's 1 s interval): long enough for a signature that expired in flight or a short
   * incident, short enough that revoked credentials still fail the run in reasonable time.
   */
  refusalBudgetMs?: number;
}

/** Refusals that concern one id of a batch (split to find it), as opposed to the request as a whole. */
const PER_ID: ReadonlySet<string> = new Set([NON_RETRYABLE.notFound, NON_RETRYABLE.invalidRequest]);
export const REFUSAL_BUDGET_ROUNDS = 30;

interface BatchAnswer<R> {
  found: R[];
  /** Ids refused on their own (a batch of one still refused). */
  refused: Map<string, Error>;
}

export class BatchPoller<R> {
  private readonly waiters = new Set<Registered<R>>();
  private running = false;
  /** Describe calls made, for tests and benchmarks that check batching. */
  calls = 0;

  constructor(private readonly opts: PollerOptions<R>) {}

  get waiting(): number {
    return this.waiters.size;
  }

  wait<T>(w: Waiter<R, T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (w.signal?.aborted) return reject(w.signal.reason);
      const entry: Registered<R> = {
        id: w.id,
        settle: (resource) => {
          let d: Decision<T>;
          try {
            d = w.decide(resource);
          } catch (err) {
            d = { fail: err as Error };
          }
          if ('done' in d) finish(() => resolve(d.done));
          else if ('fail' in d) finish(() => reject(d.fail));
        },
        round: (resource) => w.onRound?.(resource),
        fail: (err) => finish(() => reject(err)),
      };
      const onAbort = () => finish(() => reject(w.signal!.reason));
      const finish = (then: () => void) => {
        if (!this.waiters.delete(entry)) return;
        w.signal?.removeEventListener('abort', onAbort);
        then();
      };
      w.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(entry);
      if (!this.running) void this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.waiters.size) {
        await this.round();
        if (!this.waiters.size) break;
        await new Promise((r) => setTimeout(r, this.opts.intervalMs));
      }
    } finally {
      this.running = false;
    }
    // A waiter may have arrived between the last check and `running = false`.
    if (this.waiters.size && !this.running) void this.loop();
  }

  private async round(): Promise<void> {
    const current = [...this.waiters];
    const ids = [...new Set(current.map((w) => w.id))];
    const size = this.opts.batchSize ?? 100;
    const seen = new Map<string, R>();
    const refusedIds = new Map<string, Error>();
    const requestRefusals = new Map<string, Error>();
    const answered = new Set<string>();
    await Promise.all(
      chunk(ids, size).map(async (batch) => {
        try {
          const answer = await this.describeIsolating(batch);
          for (const r of answer.found) {
            const id = this.opts.idOf(r);
            if (id) seen.set(id, r);
          }
          answer.refused.forEach((err, id) => refusedIds.set(id, err));
          batch.forEach((id) => answered.add(id));
        } catch (err) {
          // The request as a whole was refused: nothing is known about these ids this round.
          batch.forEach((id) => requestRefusals.set(id, err as Error));
        }
      }),
    );
    const now = Date.now();
    const budget = this.opts.refusalBudgetMs ?? REFUSAL_BUDGET_ROUNDS * this.opts.intervalMs;
    for (const w of current) {
      if (!this.waiters.has(w)) continue;
      const own = refusedIds.get(w.id);
      const refusal = requestRefusals.get(w.id);
      if (own) w.fail(own);
      else if (refusal) {
        w.refusedSince ??= now;
        // Transient (retryable) answers wait on, bounded by the activity's own timeouts; a non-retryable
        // one fails the waiter only once it has lasted the whole budget.
        const permanent = refusal instanceof ApplicationFailure && refusal.nonRetryable;
        if (permanent && now - w.refusedSince >= budget) w.fail(refusal);
      } else if (answered.has(w.id)) {
        w.refusedSince = undefined;
        w.settle(seen.get(w.id));
      }
      if (this.waiters.has(w)) w.round(seen.get(w.id));
    }
  }

  /**
   * Some Describe* calls refuse a whole batch for one unknown or bad id: split until it stands alone, so
   * only that id's waiter learns of it. Anything else refuses the request itself and is thrown.
   */
  private async describeIsolating(batch: string[]): Promise<BatchAnswer<R>> {
    try {
      this.calls++;
      return { found: await this.opts.describe(batch), refused: new Map() };
    } catch (err) {
      const type = err instanceof ApplicationFailure ? err.type : undefined;
      if (!type || !PER_ID.has(type)) throw err;
      if (batch.length === 1) {
        // Not found: the waiter decides what missing means (eventual consistency, gone after delete).
        return {
          found: [],
          refused: type === NON_RETRYABLE.notFound ? new Map() : new Map([[batch[0], err as Error]]),
        };
      }
      const mid = Math.ceil(batch.length / 2);
      const halves = await Promise.all([batch.slice(0, mid), batch.slice(mid)].map((b) => this.describeIsolating(b)));
      return {
        found: halves.flatMap((h) => h.found),
        refused: new Map(halves.flatMap((h) => [...h.refused])),
      };
    }
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * batched: one poller per region and kind, shared by the worker's activities (the design).
 * per-activity: every wait polls its own ids on its own timer, as Packer and Terraform do; kept only so
 * the benchmark can measure the difference side by side (CVM_IMAGE_POLLER=per-activity).
 */
export type PollerMode = 'batched' | 'per-activity';
export const POLLER_MODES: readonly PollerMode[] = ['batched', 'per-activity'];

/** One poller per region and kind (batched mode), created on first use and shared by the worker. */
export class Pollers {
  private readonly all = new Map<string, BatchPoller<unknown>>();
  /** Describe calls of per-activity pollers that have been dropped, by key. */
  private readonly dropped = new Map<string, number>();

  constructor(
    private readonly api: TencentApi,
    readonly intervalMs: number,
    readonly mode: PollerMode = 'batched',
  ) {}

  images(region: string): BatchPoller<Image> {
    return this.get(`images/${region}`, () => ({
      describe: async (ids) => (await describeImages(this.api, region, { ImageIds: ids, Limit: 100 })).ImageSet ?? [],
      idOf: (r: Image) => r.ImageId,
    }));
  }

  instances(region: string): BatchPoller<Instance> {
    return this.get(`instances/${region}`, () => ({
      describe: async (ids) =>
        (await describeInstances(this.api, region, { InstanceIds: ids, Limit: 100 })).InstanceSet ?? [],
      idOf: (r: Instance) => r.InstanceId,
    }));
  }

  snapshots(region: string): BatchPoller<Snapshot> {
    return this.get(`snapshots/${region}`, () => ({
      describe: async (ids) =>
        (await describeSnapshots(this.api, region, { SnapshotIds: ids, Limit: 100 })).SnapshotSet ?? [],
      idOf: (r: Snapshot) => r.SnapshotId,
    }));
  }

  agents(region: string): BatchPoller<AutomationAgentInfo> {
    return this.get(`agents/${region}`, () => ({
      describe: async (ids) =>
        (await describeAgents(this.api, region, { InstanceIds: ids, Limit: 100 })).AutomationAgentSet ?? [],
      idOf: (r: AutomationAgentInfo) => r.InstanceId,
    }));
  }

  private get<R>(key: string, make: () => Omit<PollerOptions<R>, 'name' | 'intervalMs'>): BatchPoller<R> {
    if (this.mode === 'per-activity') return this.ownPoller(key, make);
    let p = this.all.get(key) as BatchPoller<R> | undefined;
    if (!p) {
      p = new BatchPoller<R>({ name: key, intervalMs: this.intervalMs, ...make() });
      this.all.set(key, p as BatchPoller<unknown>);
    }
    return p;
  }

  /** A poller for one wait alone: its calls are counted once the wait has left it. */
  private ownPoller<R>(key: string, make: () => Omit<PollerOptions<R>, 'name' | 'intervalMs'>): BatchPoller<R> {
    const p = new BatchPoller<R>({ name: key, intervalMs: this.intervalMs, ...make() });
    const wait = p.wait.bind(p);
    p.wait = (w) =>
      wait(w).finally(() => {
        if (p.waiting) return;
        this.dropped.set(key, (this.dropped.get(key) ?? 0) + p.calls);
        p.calls = 0;
      });
    return p;
  }

  /** Describe calls made by every poller so far (tests assert batching with it). */
  callCounts(): Record<string, number> {
    const counts = Object.fromEntries([...this.all].map(([k, p]) => [k, p.calls]));
    for (const [k, n] of this.dropped) counts[k] = (counts[k] ?? 0) + n;
    return counts;
  }
}
