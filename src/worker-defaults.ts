/** The worker's sizing defaults, shared by the process-mode and fleet-mode workers (docs/deploy.md). */

/**
 * Fleet-suited defaults (#15, docs/bench.md): slots for a thousand pipelines in flight (a waiting pipeline
 * costs a slot and a poller registration, not a thread), and a sticky cache bounded at the same figure rather
 * than the SDK's heap-derived one (~600 per GiB, ~2,300 under V8's default 4 GiB heap): past it, memory stops
 * growing with the fleet and a workflow task costs a replay of ≤ 100 events instead.
 */
export const DEFAULT_MAX_ACTIVITIES = 1000;
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1000;
