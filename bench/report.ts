/**
 * A benchmark run's figures (P0–P7 in docs/bench.md), computed from what bench/harness.ts collected: the
 * pipelines' outcomes and descriptions, the emulator's request log, and the worker's memory and CPU samples.
 */
import os from 'node:os';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Durations } from '../src/emulator';
import type { PollerMode } from '../src/activities/pollers';
import { DOCUMENTED_LIMITS, DEFAULT_LIMIT } from '../src/activities/rate-limit';
import type { StartedPipeline } from '../test/chaos/fleet';
import type { PipelineRecord } from '../test/chaos/invariants';
import type { RequestsView } from '../test/helpers/emulator';
import {
  cloudTimeMs,
  detections,
  indexSettled,
  overheadPct,
  perPipeline,
  quantiles,
  slope,
  stageSeconds,
  type PipelineSample,
  type Quantiles,
} from './metrics';
import { makespanBound, planOf, type MakespanBound } from './bound';
import { liveMemory, type GcSample, type LiveMemory } from './live-memory';
import type { RssSample } from './sampler';
import type { BenchOptions } from './harness';

/** The share of each documented limit the worker's limiter uses (src/activities/rate-limit.ts default). */
export const LIMIT_SHARE = 0.5;

export interface BenchRun {
  pipelines: number;
  completed: number;
  poller: PollerMode;
  workers: number;
  budget: 'process' | 'fleet';
  /** When one worker process was killed (seconds after the first start), if one was. */
  killedWorkerAfterSeconds: number | null;
  regions: string[];
  pollIntervalMs: number;
  maxActivities: number | null;
  workerHeapMb: number | null;
  maxCachedWorkflows: number | null;
  fstab: string;
  durations: Durations;
  wallSeconds: number;
  /** First workflow start to last close (server times), ms. */
  makespanMs: number;
  /** The shortest makespan the cloud's durations and the limits at the share allow (bench/bound.ts). */
  makespanBound: MakespanBound & { share: number };
  /** makespanMs ÷ makespanBound.ms: 1 is the physical limit. */
  makespanRatio: number;
  detectionLatencyMs: Quantiles & { byKind: Record<string, Quantiles> };
  callsPerPipeline: Record<string, number>;
  peakRps: Record<string, number>;
  /** Highest calls in one second per action and region (Tencent limits per action and region). */
  peakRpsByRegion: Record<string, Record<string, number>>;
  limits: Record<string, number>;
  /** Peak calls in one second ÷ documented limit, in percent, per `action@region`. */
  peakPctByActionRegion: Record<string, number>;
  throttledFailures: number;
  throttledByAction: Record<string, number>;
  overheadPct: Quantiles;
  overheadMs: Quantiles;
  cloudSeconds: Quantiles;
  /** Seconds per stage: where the time beyond the cloud's goes. */
  stageSeconds: Record<string, Quantiles>;
  rssBytesPerPipeline: number;
  /** Before the first start, and the highest sample; (max − baseline) / N is the upper bound of P6. */
  rssBytes: { baseline: number; max: number; maxMinusBaselinePerPipeline: number };
  /** After a forced GC (bench/gc-probe.cjs): live memory against pipelines in flight. */
  liveMemory: LiveMemory | null;
  historyEvents: Quantiles;
  /** Event types of the longest history: what P7 is made of. */
  longestHistory: { workflowId: string; events: number; byType: Record<string, number> } | null;
  cpuSeconds: { worker: number | null; server: number | null; harnessAndEmulator: number };
  loadAverage: { before: number[]; after: number[] };
  failures: { workflowId: string; status: string; message?: string }[];
  rssSamples: RssSample[];
}

/** What one run collected, as bench/harness.ts hands it over. */
export interface ReportInput {
  opts: BenchOptions;
  durations: Durations;
  regions: string[];
  workers: number;
  budget: 'process' | 'fleet';
  killedAt: number | null;
  wallSeconds: number;
  records: PipelineRecord[];
  /** describe() of each pipeline, in the order of `records`. */
  described: WorkflowExecutionDescription[];
  /** The emulator's request log at the end, and its counts before the first start. */
  requests: RequestsView;
  before: RequestsView;
  rssSamples: RssSample[];
  gcSamples: GcSample[];
  /** When the first pipeline was started (ms). */
  t0: number;
  longestHistory: BenchRun['longestHistory'];
  /** CPU seconds during the run: the worker, the dev server (null when reused), this process. */
  cpu: { worker: number; server: number | null; self: number };
  loadBefore: number[];
}

export function benchReport(input: ReportInput): BenchRun {
  const { opts, durations, regions, workers, budget, killedAt, wallSeconds, records, described } = input;
  const { requests, before, longestHistory, gcSamples, t0, cpu, loadBefore } = input;
  const samples = input.rssSamples;
  const settledIndex = indexSettled(requests.settled);
  const pipelines: PipelineSample[] = [];
  const failures: BenchRun['failures'] = [];
  records.forEach((rec, i) => {
    const d = described[i];
    if (rec.outcome.status === 'completed') {
      pipelines.push({
        sourceInstanceId: rec.sourceInstanceId,
        result: rec.outcome.result,
        startMs: d.startTime.getTime(),
        closeMs: (d.closeTime ?? new Date()).getTime(),
      });
    } else {
      failures.push({ workflowId: rec.workflowId, status: rec.outcome.status, message: rec.outcome.message });
    }
  });

  const found = pipelines.flatMap((p) => detections(p, settledIndex));
  const byKind: Record<string, Quantiles> = {};
  for (const kind of ['image', 'snapshot', 'instance'])
    byKind[kind] = quantiles(found.filter((f) => f.kind === kind).map((f) => f.latencyMs));
  const counts = subtractCounts(requests.counts, before.counts);
  const baseline = samples[0];
  const maxRss = Math.max(...samples.map((s) => s.rssBytes));
  const throttledByAction = requests.throttled ?? {};
  const limitOf = (a: string) => DOCUMENTED_LIMITS[a] ?? DEFAULT_LIMIT;
  const bound = makespanBound(
    records.flatMap((rec) =>
      rec.outcome.status === 'completed' ? [planOf(rec.region, rec.outcome.result, durations)] : [],
    ),
    { limits: DOCUMENTED_LIMITS, defaultLimit: DEFAULT_LIMIT, share: LIMIT_SHARE },
  );
  const makespanMs = described.length
    ? Math.max(...described.map((d) => (d.closeTime ?? new Date()).getTime())) -
      Math.min(...described.map((d) => d.startTime.getTime()))
    : 0;
  const peakPctByActionRegion: Record<string, number> = {};
  for (const [action, byRegion] of Object.entries(requests.peakRpsByRegion ?? {}))
    for (const [region, n] of Object.entries(byRegion))
      peakPctByActionRegion[`${action}@${region}`] = Math.round((n / limitOf(action)) * 100);
  return {
    pipelines: opts.pipelines,
    completed: pipelines.length,
    poller: opts.poller,
    workers,
    budget,
    killedWorkerAfterSeconds: killedAt,
    regions,
    pollIntervalMs: opts.pollIntervalMs,
    maxActivities: opts.maxActivities ?? null,
    workerHeapMb: opts.workerHeapMb ?? null,
    maxCachedWorkflows: opts.maxCachedWorkflows ?? null,
    fstab: opts.fstab ?? 'ignore',
    durations,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    detectionLatencyMs: { ...quantiles(found.map((f) => f.latencyMs)), byKind },
    callsPerPipeline: perPipeline(counts, opts.pipelines),
    peakRps: requests.peakRps,
    peakRpsByRegion: requests.peakRpsByRegion ?? {},
    makespanMs,
    makespanBound: { ...bound, share: LIMIT_SHARE },
    makespanRatio: bound.ms > 0 ? Math.round((makespanMs / bound.ms) * 1000) / 1000 : NaN,
    limits: Object.fromEntries(Object.keys(counts).map((a) => [a, limitOf(a)])),
    peakPctByActionRegion,
    throttledFailures: Object.values(throttledByAction).reduce((a, b) => a + b, 0),
    throttledByAction,
    overheadPct: round(quantiles(pipelines.map((p) => overheadPct(p, durations)))),
    overheadMs: quantiles(pipelines.map((p) => p.closeMs - p.startMs - cloudTimeMs(p.result, durations))),
    stageSeconds: stageSeconds(pipelines),
    cloudSeconds: quantiles(pipelines.map((p) => cloudTimeMs(p.result, durations) / 1000)),
    rssBytesPerPipeline: Math.round(slope(samples.map((s) => ({ x: s.inFlight, y: s.rssBytes })))),
    rssBytes: {
      baseline: baseline?.rssBytes ?? 0,
      max: maxRss,
      maxMinusBaselinePerPipeline: Math.round((maxRss - (baseline?.rssBytes ?? 0)) / opts.pipelines),
    },
    liveMemory: liveMemory(gcSamples, samples, t0),
    historyEvents: quantiles(described.map((d) => d.historyLength)),
    longestHistory,
    cpuSeconds: {
      worker: Math.round(cpu.worker * 10) / 10,
      server: cpu.server === null ? null : Math.round(cpu.server * 10) / 10,
      harnessAndEmulator: Math.round(cpu.self * 10) / 10,
    },
    loadAverage: { before: loadBefore, after: os.loadavg() },
    failures: failures.slice(0, 50),
    rssSamples: samples,
  };
}

export async function historyBreakdown({ handle }: StartedPipeline): Promise<BenchRun['longestHistory']> {
  const history = await handle.fetchHistory();
  const byType: Record<string, number> = {};
  for (const e of history.events ?? []) {
    const name = temporal.api.enums.v1.EventType[e.eventType ?? 0].replace(/^EVENT_TYPE_/, '');
    byType[name] = (byType[name] ?? 0) + 1;
  }
  return { workflowId: handle.workflowId, events: history.events?.length ?? 0, byType };
}

function subtractCounts(
  now: Record<string, Record<string, number>>,
  then: Record<string, Record<string, number>>,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [action, byRegion] of Object.entries(now)) {
    for (const [region, n] of Object.entries(byRegion)) {
      const d = n - (then[action]?.[region] ?? 0);
      if (d > 0) (out[action] ??= {})[region] = d;
    }
  }
  return out;
}

function round(q: Quantiles): Quantiles {
  const r = (x: number) => Math.round(x * 10) / 10;
  return { p50: r(q.p50), p99: r(q.p99), max: r(q.max), n: q.n };
}
