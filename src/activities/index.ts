/**
 * Activity factory: the worker injects real Tencent Cloud clients, tests inject emulator-bound ones.
 * Everything shared (rate limiter, pollers) is built once here, so every activity of the worker uses it.
 */
import type { Client } from '@temporalio/client';
import type { TencentClients } from '../cloud/clients';
import { FLEET_ROUTING_ACTIVITY, type FleetRouting } from '../contract/budget';
import { bakeActivities } from './bake';
import { janitorActivities } from './janitor';
import { distributionActivities } from './distribution';
import { guestActivities } from './guest';
import { imageActivities } from './image';
import { activityClient, inventoryActivities } from './images-inventory';
import { instanceActivities } from './instance';
import { launchActivities } from './launch';
import { lifecycleActivities } from './lifecycle';
import { Pollers, type PollerMode } from './pollers';
import { quotaActivities } from './quota';
import { reconcileActivities } from './reconcile';
import { RateLimiter } from './rate-limit';
import type { ActivityRuntime } from './runtime';
import { snapshotActivities } from './snapshot';
import { TencentApi } from './tencent-api';

export interface ActivityDeps {
  clients: TencentClients;
  /** Shared per-action limiter; one per worker by default. */
  rateLimiter?: RateLimiter;
  /** Describe* polling interval of the shared pollers (default DEFAULT_POLL_INTERVAL_MS; tests use less). */
  pollIntervalMs?: number;
  /** batched (default): shared per-region pollers; per-activity: each wait polls alone (benchmarks only). */
  pollerMode?: PollerMode;
  /** How long a just-created resource may be missing from Describe* (default 60 s). */
  visibilityGraceMs?: number;
  /** Temporal client for visibility queries (images in use); defaults to the activity context's client. */
  temporal?: Client;
  /** How long the run's final reconciliation waits for unanswered mutations to land (src/activities/reconcile.ts). */
  lateCallSettleMs?: number;
  /** Fleet mode: this worker serves the (class, region) budget queues (docs/scale-out.md). */
  fleet?: boolean;
}

/**
 * 1 s: a flip is noticed within about a second (the benchmark's P1 target is p99 ≤ 2 s; at 5 s it measured
 * 5.2 s). Batched, that costs at most one Describe* call per region and kind per second whatever the fleet
 * size, 2.5 % of DescribeImages' 40/s (docs/bench.md).
 */
export const DEFAULT_POLL_INTERVAL_MS = 1000;

export function createActivities(deps: ActivityDeps) {
  const api = new TencentApi(deps.clients, deps.rateLimiter ?? new RateLimiter());
  const pollIntervalMs = deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const rt: ActivityRuntime = {
    api,
    pollers: new Pollers(api.shared(), pollIntervalMs, deps.pollerMode),
    visibilityGraceMs: deps.visibilityGraceMs ?? 60_000,
    pollIntervalMs,
  };
  return {
    ...instanceActivities(rt),
    ...quotaActivities(rt),
    ...guestActivities(rt),
    ...imageActivities(rt),
    ...snapshotActivities(rt),
    ...launchActivities(rt),
    ...inventoryActivities(rt, deps.temporal ? () => deps.temporal! : activityClient),
    ...lifecycleActivities(rt),
    ...distributionActivities(rt),
    ...bakeActivities(rt),
    ...reconcileActivities(rt, deps.lateCallSettleMs),
    ...janitorActivities(rt, deps.temporal ? () => deps.temporal! : activityClient),
    /** Local activity: a run asks once whether its fleet serves the budget queues (src/workflows/budget-routing.ts). */
    async [FLEET_ROUTING_ACTIVITY](): Promise<FleetRouting> {
      return { enabled: deps.fleet === true };
    },
  };
}

/** The activity interface the workflow proxies (type-only import on the workflow side). */
export type PipelineActivities = ReturnType<typeof createActivities>;
