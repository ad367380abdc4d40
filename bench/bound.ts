/**
 * The physical limit of a fleet run (docs/bench.md, "The lower bound"): no orchestrator can finish N pipelines
 * sooner than the cloud's durations and Tencent's per-(action, region) rate limits, at the configured share,
 * allow. Pure and unit-tested (test/unit/bench-bound.test.ts).
 *
 * Model. Each pipeline is a chain of steps, in the order its stages ran: a step sends some calls of one Tencent
 * action in the pipeline's region, then waits for the cloud (the emulated duration). Only calls that cannot be
 * shared or batched across pipelines are counted — the mutations (CreateImage, StopInstances, …), one per
 * resource — Describe* reads take up to 100 ids a call and are never the bottleneck at 20–40/s. An
 * (action, region) admits at most c = max(1, ⌊share × documented limit⌋) calls in any one second (Tencent states
 * each action's limit per second on its API page, e.g. CreateImage "A maximum of 10 requests can be initiated
 * per second for this API", tencentcloud.com/document/api/213/33276, 默认接口请求频率限制 on the Chinese pages;
 * the figures are src/activities/rate-limit.ts `DOCUMENTED_LIMITS`, per action and region as the emulator counts), so m calls span at least ⌊(m − 1) / c⌋ s.
 *
 * For one (action, region) alone, every other step unlimited, the classic single-machine bound with heads and
 * tails holds: for any set S of its calls, makespan ≥ min head(S) + span(|S|) + min tail(S), where a call's head
 * is the cloud time its pipeline needs before it and its tail the cloud time after it. The bound is the largest
 * such figure over every (action, region) and every S made of the calls with head ≥ H and tail ≥ Q (the
 * maximising sets are of that form), and at least the longest single chain. It is a relaxation (each limit
 * considered alone), so it is a true lower bound; it is reached when one limit binds and the calls with the
 * longest tails go first.
 */
import type { Durations } from '../src/emulator';
import type { CreateCustomImageResult, StageName } from '../src/contract';

export interface Step {
  /** The Tencent action sent at the start of the step (none: a wait or a step without a counted call). */
  action?: string;
  /** How many calls of the action (one per resource: CreateSnapshot per data disk). */
  calls?: number;
  /** Cloud time after the calls before the next step can start, ms. */
  waitMs: number;
  /**
   * Cloud work the calls start that runs alongside the chain instead of in it (data-disk snapshots taken with
   * the image, #13 item 3): it takes `ms`, and the chain waits for it only `joinAfterMs` of its own time after
   * these calls (the image wait and the restart it overlaps).
   */
  alongside?: { ms: number; joinAfterMs: number };
}

export interface PipelinePlan {
  region: string;
  steps: Step[];
}

export interface BoundOptions {
  /** Documented limits, calls per second per (action, region). */
  limits: Record<string, number>;
  /** For an action missing from `limits`. */
  defaultLimit: number;
  /** Fraction of each documented limit the fleet may use (the limiter's share, 0.5). */
  share: number;
}

export interface MakespanBound {
  /** The lower bound, ms. */
  ms: number;
  /** What sets it: the (action, region) whose calls bind, or the longest chain. */
  bindingBy: string;
  /** Calls, calls per second allowed and the bound of every (action, region), ms. */
  byActionRegion: Record<string, { calls: number; perSecond: number; boundMs: number }>;
  longestChainMs: number;
}

/** Calls per second an (action, region) admits at the share: whole calls, at least one. */
export function allowedPerSecond(action: string, o: BoundOptions): number {
  return Math.max(1, Math.floor((o.limits[action] ?? o.defaultLimit) * o.share));
}

/** The shortest time, ms, between the first and the last of m calls at c per second. */
export function spanMs(m: number, c: number): number {
  return m <= 1 ? 0 : Math.floor((m - 1) / c) * 1000;
}

interface Job {
  head: number;
  tail: number;
}

/** max over H, Q of H + span(#{head ≥ H, tail ≥ Q}) + Q for one (action, region). */
export function singleLimitBound(jobs: Job[], perSecond: number): number {
  const heads = [...new Set(jobs.map((j) => j.head))];
  const tails = [...new Set(jobs.map((j) => j.tail))];
  let best = 0;
  for (const h of heads) {
    for (const q of tails) {
      const m = jobs.reduce((n, j) => n + (j.head >= h && j.tail >= q ? 1 : 0), 0);
      if (m) best = Math.max(best, h + spanMs(m, perSecond) + q);
    }
  }
  return best;
}

/** The cloud time a plan needs from the start of step `from` to its end: the chain, or a longer side branch. */
export function chainMs(steps: Step[], from = 0): number {
  let rest = 0;
  let beyond = 0; // how much the longest side branch from here on outlasts the chain it overlaps
  for (let i = steps.length - 1; i >= from; i--) {
    rest += steps[i].waitMs;
    const side = steps[i].alongside;
    if (side) beyond = Math.max(beyond, side.ms - side.joinAfterMs);
  }
  return rest + beyond;
}

export function makespanBound(plans: PipelinePlan[], o: BoundOptions): MakespanBound {
  const jobs = new Map<string, Job[]>();
  let longestChainMs = 0;
  for (const p of plans) {
    longestChainMs = Math.max(longestChainMs, chainMs(p.steps));
    let head = 0;
    p.steps.forEach((s, i) => {
      if (s.action) {
        // A call that starts side work is followed by that work, then by the chain from where it joins.
        const tail = s.alongside ? s.alongside.ms + chainMs(p.steps, i) - s.alongside.joinAfterMs : chainMs(p.steps, i);
        const key = `${s.action}@${p.region}`;
        const list = jobs.get(key) ?? [];
        for (let c = 0; c < (s.calls ?? 1); c++) list.push({ head, tail });
        jobs.set(key, list);
      }
      head += s.waitMs;
    });
  }
  const byActionRegion: MakespanBound['byActionRegion'] = {};
  let ms = longestChainMs;
  let bindingBy = 'longest chain';
  for (const [key, list] of [...jobs].sort(([a], [b]) => a.localeCompare(b))) {
    const perSecond = allowedPerSecond(key.slice(0, key.indexOf('@')), o);
    const boundMs = singleLimitBound(list, perSecond);
    byActionRegion[key] = { calls: list.length, perSecond, boundMs };
    if (boundMs > ms) [ms, bindingBy] = [boundMs, key];
  }
  return { ms, bindingBy, byActionRegion, longestChainMs };
}

/**
 * The steps a finished pipeline had to take, from the stages it went through (in order) and the emulated
 * durations: the same cloud operations `cloudTimeMs` (bench/metrics.ts) counts, each with the mutation that
 * starts it.
 */
export function planOf(region: string, r: CreateCustomImageResult, d: Durations): PipelinePlan {
  const seen = new Set<StageName>();
  const steps: Step[] = [];
  // Snapshots taken with the image (the result states their consistency only then): CreateSnapshot right
  // after CreateImage, its 30 s alongside the image wait and the restart, joined at the snapshot stage.
  const withImage = r.dataDiskConsistency !== undefined && r.snapshotIds.length > 0;
  let side: Step | undefined;
  for (const { name } of r.stages) {
    if (seen.has(name)) continue; // a stage entered twice (a restart retried) counts once
    seen.add(name);
    if (withImage && name === 'snapshotting-data-disks') {
      side = undefined;
      continue;
    }
    const step = stageStep(name, r, d);
    if (!step) continue;
    steps.push(step);
    if (side?.alongside) side.alongside.joinAfterMs += step.waitMs;
    if (withImage && name === 'creating-image') {
      side = { ...snapshotStep(r), waitMs: 0, alongside: { ms: d.snapshotCreateMs, joinAfterMs: 0 } };
      steps.push(side);
    }
  }
  return { region, steps };
}

const snapshotStep = (r: CreateCustomImageResult) => ({ action: 'CreateSnapshot', calls: r.snapshotIds.length });

function stageStep(name: StageName, r: CreateCustomImageResult, d: Durations): Step | undefined {
  switch (name) {
    case 'stopping':
      return { action: 'StopInstances', waitMs: d.instanceStopMs };
    case 'creating-image':
      return { action: 'CreateImage', waitMs: 0 };
    case 'waiting-for-image':
      return { waitMs: d.imageCreateMs };
    case 'starting':
      return { action: 'StartInstances', waitMs: d.instanceStartMs };
    case 'snapshotting-data-disks':
      return r.snapshotIds.length ? { ...snapshotStep(r), waitMs: d.snapshotCreateMs } : undefined;
    case 'launching':
      return { action: 'RunInstances', waitMs: d.instanceLaunchMs };
    case 'cleaning-up-launch':
      return { action: 'TerminateInstances', waitMs: d.instanceTerminateMs };
    default:
      return undefined;
  }
}
