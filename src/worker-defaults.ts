/** The worker's sizing defaults, shared by the process-mode and fleet-mode workers (docs/deploy.md). */

/**
 * Fleet-suited defaults (#15, docs/bench.md): activity slots for thousands of pipelines in flight — every
 * waiting pipeline holds one (cheaply: a poller registration, not a thread), and its short calls need free
 * ones besides (at N = 1,000 a worker with 1,000 slots is full once every pipeline waits) —
 * and a sticky cache bounded at 1,000 rather than the SDK's heap-derived size (~600 per GiB, ~2,300 under
 * V8's default 4 GiB heap): past it, memory stops growing with the fleet and a workflow task costs a replay of
 * ≤ 100 events instead.
 */
export const DEFAULT_MAX_ACTIVITIES = 5000;
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1000;
