/**
 * One benchmark run: its own headless dev server (unless given one), the emulator with scaled durations and
 * the documented rate limits, one worker child process (the chaos harness's, reused), N createCustomImage
 * pipelines across R regions started at once, followed to their end; then the figures (bench/metrics.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDevServer, type DevServer } from '../src/devserver/dev-server';
import type { Durations } from '../src/emulator';
import { BENCH_DURATIONS } from './durations';
import { REGIONS } from '../src/emulator/core/regions';
import type { PollerMode } from '../src/activities/pollers';
import { pipelineWorkflowId, type CreateCustomImageInput } from '../src/contract';
import { startChaosEnv } from '../test/chaos/environment';
import { fleetMember, followAll, startPipeline, type StartedPipeline } from '../test/chaos/fleet';
import { readGcSamples } from './live-memory';
import { benchReport, historyBreakdown, type BenchRun } from './report';
import { cpuSeconds, sampleRss } from './sampler';

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
    const workerPid = env.worker.pid;
    if (!workerPid) throw new Error('the worker process has no pid');
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
    const described = await pool(started, 32, (s) => s.handle.describe());
    const longest = started[described.reduce((m, d, i) => (d.historyLength > described[m].historyLength ? i : m), 0)];
    return benchReport({
      opts,
      durations,
      regions,
      workers,
      budget,
      killedAt,
      wallSeconds,
      records,
      described,
      requests,
      before,
      rssSamples: samples,
      gcSamples: readGcSamples(gcDir, workerPid),
      t0,
      longestHistory: longest ? await historyBreakdown(longest) : null,
      cpu: { worker: workerCpu, server: serverCpu, self: (self.user + self.system) / 1e6 },
      loadBefore,
    });
  } finally {
    await env.close();
    await server?.stop();
    rmSync(gcDir, { recursive: true, force: true });
  }
}
