/**
 * One benchmark run: its own headless dev server (unless given one), the emulator with scaled durations and
 * the documented rate limits, one worker child process (the chaos harness's, reused), N createCustomImage
 * pipelines across R regions started at once, followed to their end; then the figures (bench/metrics.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { startDevServer, type DevServer } from '../src/devserver/dev-server';
import type { Durations } from '../src/emulator';
import { resolveDurations } from '../src/emulator/core/durations';
import { REGIONS } from '../src/emulator/core/regions';
import type { PollerMode } from '../src/activities/pollers';
import { DOCUMENTED_LIMITS, DEFAULT_LIMIT } from '../src/activities/rate-limit';
import { pipelineWorkflowId, type CreateCustomImageInput } from '../src/contract';
import { startChaosEnv } from '../test/chaos/environment';
import { fleetMember, followAll, startPipeline, type StartedPipeline } from '../test/chaos/fleet';
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
import { liveMemory, readGcSamples, type LiveMemory } from './live-memory';
import { cpuSeconds, findChild, sampleRss, type RssSample } from './sampler';

/** The share of each documented limit the worker's limiter uses (src/activities/rate-limit.ts default). */
export const LIMIT_SHARE = 0.5;

/** The scale: an image takes a minute, a snapshot 30 s, stop/start 5 s. */
export const BENCH_DURATIONS: Durations = resolveDurations(1, {
  imageCreateMs: 60_000,
  snapshotCreateMs: 30_000,
  instanceStopMs: 5_000,
  instanceStartMs: 5_000,
  instanceLaunchMs: 10_000,
  instanceTerminateMs: 5_000,
  diskCreateMs: 5_000,
  diskAttachMs: 2_000,
  imageSyncMs: 60_000,
});

export function scaleDurations(d: Durations, speedUp: number): Durations {
  if (!(speedUp > 0)) throw new Error(`speed-up must be a positive number, got ${speedUp}`);
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, Math.round(v / speedUp)])) as unknown as Durations;
}

export interface BenchOptions {
  pipelines: number;
  regions: number;
  poller: PollerMode;
  /** The worker's Describe* polling interval. */
  pollIntervalMs: number;
  durations?: Durations;
  /** Worker activity slots (CVM_IMAGE_MAX_ACTIVITIES); the worker's default when omitted. */
  maxActivities?: number;
  /** The worker's V8 old-space limit (NODE_OPTIONS=--max-old-space-size): live memory vs lazily collected. */
  workerHeapMb?: number;
  /** The worker's sticky workflow cache (CVM_IMAGE_MAX_CACHED_WORKFLOWS); the SDK default when omitted. */
  maxCachedWorkflows?: number;
  /** fstab handling of every pipeline: "ignore" skips the guest (TAT) steps, "fix" runs them. */
  fstab?: 'fix' | 'ignore';
  /** Worker processes (default 1); with more than one the budget is the fleet's (CVM_IMAGE_BUDGET=fleet). */
  workers?: number;
  /** `process` (each worker its own budget) or `fleet` (budget task queues); default fleet when workers > 1. */
  budget?: 'process' | 'fleet';
  /** SIGKILL the last worker process this many seconds after the first start (not restarted). */
  killOneAfterSeconds?: number;
  /** Force a GC in the worker and record live memory every this many seconds (0: off; default 10). */
  gcEverySeconds?: number;
  /** Use this Temporal server instead of starting one (tests). */
  address?: string;
  timeoutMs?: number;
  log?: (line: string) => void;
}

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

/** Runs `fn` over items with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

export async function runBench(opts: BenchOptions): Promise<BenchRun> {
  const log = opts.log ?? (() => {});
  const durations = opts.durations ?? BENCH_DURATIONS;
  const regions = REGIONS.slice(0, opts.regions);
  const loadBefore = os.loadavg();
  let server: DevServer | undefined;
  if (!opts.address) server = await startDevServer();
  const serverCpu0 = server?.process?.pid ? cpuSeconds(server.process.pid) : undefined;
  const taskQueue = `bench-${opts.poller}-${Date.now()}`;
  const workers = opts.workers ?? 1;
  const budget = opts.budget ?? (workers > 1 ? 'fleet' : 'process');
  const gcEveryMs = (opts.gcEverySeconds ?? 10) * 1000;
  const gcDir = mkdtempSync(path.join(os.tmpdir(), 'cvm-bench-gc-'));
  const nodeOptions = [
    ...(opts.workerHeapMb ? [`--max-old-space-size=${opts.workerHeapMb}`] : []),
    ...(gcEveryMs > 0 ? ['--expose-gc', `--require ${path.join(__dirname, 'gc-probe.cjs')}`] : []),
  ];
  const env = await startChaosEnv({
    workers,
    address: opts.address ?? server!.address,
    taskQueue,
    durations,
    pollIntervalMs: opts.pollIntervalMs,
    workerEnv: {
      CVM_IMAGE_POLLER: opts.poller,
      CVM_IMAGE_LOG_LEVEL: 'WARN',
      CVM_IMAGE_BUDGET: budget,
      CVM_IMAGE_REGIONS: regions.join(','),
      ...(opts.maxActivities ? { CVM_IMAGE_MAX_ACTIVITIES: String(opts.maxActivities) } : {}),
      ...(opts.maxCachedWorkflows !== undefined
        ? { CVM_IMAGE_MAX_CACHED_WORKFLOWS: String(opts.maxCachedWorkflows) }
        : {}),
      ...(nodeOptions.length ? { NODE_OPTIONS: nodeOptions.join(' ') } : {}),
      CVM_BENCH_GC_DIR: gcDir,
      CVM_BENCH_GC_EVERY_MS: String(gcEveryMs),
    },
  }).catch(async (err) => {
    await server?.stop();
    rmSync(gcDir, { recursive: true, force: true });
    throw err;
  });
  const readyAt = Date.now();
  try {
    const workerPid = findChild(process.pid, /src\/worker\.ts/);
    if (!workerPid) throw new Error('cannot find the worker process');
    await env.emu.admin.config({ imageQuota: opts.pipelines + 10 });

    log(`${opts.poller}: creating ${opts.pipelines} source instances in ${regions.join(', ')}`);
    const members = await pool(
      Array.from({ length: opts.pipelines }, (_, i) => i),
      32,
      async (i) => {
        const m = fleetMember(i);
        const region = regions[i % regions.length];
        const instanceId = await env.emu.admin.createInstance({ ...m.fixture, region });
        const input: CreateCustomImageInput = {
          ...m.input,
          region,
          instanceId,
          imageName: `bench-${i}`,
          fstab: opts.fstab ?? 'ignore',
        };
        return input;
      },
    );
    // Live memory's baseline: every worker thread collected and reported once with the worker idle and ready.
    const baselineDue = readyAt + gcEveryMs + 500;
    if (gcEveryMs > 0 && Date.now() < baselineDue) await new Promise((r) => setTimeout(r, baselineDue - Date.now()));
    const before = await env.emu.admin.requests();

    const workerCpu0 = cpuSeconds(workerPid) ?? 0;
    const selfCpu0 = process.cpuUsage();
    let settledCount = 0;
    let startedCount = 0;
    const rss = sampleRss(workerPid, () => startedCount - settledCount);
    const t0 = Date.now();
    log(`${opts.poller}: starting ${opts.pipelines} pipelines`);
    const started: StartedPipeline[] = await pool(members, 50, async (input) => {
      const handle = await startPipeline(env.client, taskQueue, input);
      startedCount++;
      return {
        handle,
        record: {
          workflowId: pipelineWorkflowId(input.region, input.instanceId),
          region: input.region,
          sourceInstanceId: input.instanceId,
          imageName: input.imageName,
          original: { state: 'RUNNING' },
        },
      };
    });
    let killedAt: number | null = null;
    const killer =
      opts.killOneAfterSeconds !== undefined && workers > 1
        ? setTimeout(() => {
            killedAt = Math.round((Date.now() - t0) / 1000);
            log(`killing worker ${workers} of ${workers} (SIGKILL) after ${killedAt} s`);
            void env.workers[workers - 1].kill();
          }, opts.killOneAfterSeconds * 1000)
        : undefined;
    const progress = setInterval(
      () =>
        log(`${opts.poller}: ${settledCount}/${opts.pipelines} done after ${Math.round((Date.now() - t0) / 1000)} s`),
      15_000,
    );
    const records = await followAll(started, opts.timeoutMs ?? 30 * 60_000, (n) => (settledCount = n)).finally(() => {
      clearInterval(progress);
      clearTimeout(killer);
    });
    const wallSeconds = (Date.now() - t0) / 1000;
    const samples = rss.stop();
    const workerCpu = (cpuSeconds(workerPid) ?? workerCpu0) - workerCpu0;
    const self = process.cpuUsage(selfCpu0);
    const serverCpu =
      server?.process?.pid && serverCpu0 !== undefined ? cpuSeconds(server.process.pid)! - serverCpu0 : null;
    log(`${opts.poller}: all settled after ${Math.round(wallSeconds)} s; reading histories`);

    const requests = await env.emu.admin.requests();
    const settledIndex = indexSettled(requests.settled);
    const described = await pool(started, 32, (s) => s.handle.describe());
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

    const longest = started[described.reduce((m, d, i) => (d.historyLength > described[m].historyLength ? i : m), 0)];
    const longestHistory = longest ? await historyBreakdown(longest) : null;
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
    const gcSamples = readGcSamples(gcDir, workerPid);
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
        worker: Math.round(workerCpu * 10) / 10,
        server: serverCpu === null ? null : Math.round(serverCpu * 10) / 10,
        harnessAndEmulator: Math.round(((self.user + self.system) / 1e6) * 10) / 10,
      },
      loadAverage: { before: loadBefore, after: os.loadavg() },
      failures: failures.slice(0, 50),
      rssSamples: samples,
    };
  } finally {
    await env.close();
    await server?.stop();
    rmSync(gcDir, { recursive: true, force: true });
  }
}

async function historyBreakdown({ handle }: StartedPipeline): Promise<BenchRun['longestHistory']> {
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
