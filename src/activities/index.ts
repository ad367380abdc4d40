/**
 * Activity factory: the worker injects real Tencent Cloud clients, tests inject emulator-bound ones.
 * Everything shared (rate limiter, pollers) is built once here, so every activity of the worker uses it.
 */
import type { Client } from '@temporalio/client';
import type { TencentClients } from '../cloud/clients';
import { guestActivities } from './guest';
import { imageActivities } from './image';
import { activityClient, inventoryActivities } from './images-inventory';
import { instanceActivities } from './instance';
import { launchActivities } from './launch';
import { lifecycleActivities } from './lifecycle';
import { Pollers, type PollerMode } from './pollers';
import { quotaActivities } from './quota';
import { RateLimiter } from './rate-limit';
import type { ActivityRuntime } from './runtime';
import { snapshotActivities } from './snapshot';
import { TencentApi } from './tencent-api';

export interface ActivityDeps {
  clients: TencentClients;
  /** Shared per-action limiter; one per worker by default. */
  rateLimiter?: RateLimiter;
  /** Describe* polling interval of the shared pollers (default 5 s; tests use less). */
  pollIntervalMs?: number;
  /** batched (default): shared per-region pollers; per-activity: each wait polls alone (benchmarks only). */
  pollerMode?: PollerMode;
  /** How long a just-created resource may be missing from Describe* (default 60 s). */
  visibilityGraceMs?: number;
  /** Temporal client for visibility queries (images in use); defaults to the activity context's client. */
  temporal?: Client;
}

export function createActivities(deps: ActivityDeps) {
  const api = new TencentApi(deps.clients, deps.rateLimiter ?? new RateLimiter());
  const pollIntervalMs = deps.pollIntervalMs ?? 5000;
  const rt: ActivityRuntime = {
    api,
    pollers: new Pollers(api, pollIntervalMs, deps.pollerMode),
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
  };
}

/** The activity interface the workflow proxies (type-only import on the workflow side). */
export type PipelineActivities = ReturnType<typeof createActivities>;
