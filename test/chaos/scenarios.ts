/**
 * Fleet scenarios: the same fleet of pipelines, fault-free and then under one kind of chaos (worker
 * SIGKILLs, dev-server restarts, emulator API faults), each ending in one table row checked by the
 * invariant checker.
 */
import { DEFAULT_POLL_INTERVAL_MS } from '../../src/activities';
import type { Durations } from '../../src/emulator';
import { resolveDurations } from '../../src/emulator/core/durations';
import type { FaultsBody } from '../helpers/emulator';
import { startChaosEnv, type ChaosEnv } from './environment';
import { followAll, prepareFleet, startPipeline } from './fleet';
import { baselineOf, checkInvariants, type PipelineRecord, type Violation } from './invariants';
import { between, seededRandom, sleep } from './random';
import type { ScenarioRow } from './table';

/**
 * The cloud's durations and the worker's polling, both divided by `speed` (3: an image takes 3 min 20 s,
 * the worker polls every 333 ms). Temporal's own timeouts (60 s for a call, 30 s heartbeats) are not
 * scaled, so a much larger speed would make crash recovery look slower than it is in real time.
 */
export function chaosTiming(speed: number): { durations: Durations; pollIntervalMs: number } {
  return {
    durations: resolveDurations(speed),
    pollIntervalMs: Math.max(50, Math.round(DEFAULT_POLL_INTERVAL_MS / speed)),
  };
}

export interface FleetConfig {
  pipelines: number;
  kills: number;
  serverRestarts: number;
  seed: number;
  durations: Partial<Durations>;
  pollIntervalMs: number;
  /** A run still open after this long counts as unfinished. */
  timeoutMs: number;
  /** Run against this server (the test suite's) instead of a file-backed one of its own. */
  address?: string;
  /** Gap before each kill/restart, in ms. */
  gapMs: [number, number];
  log?: (line: string) => void;
}

/** A scenario's chaos: runs while the fleet runs; returns what it did, e.g. "10 kills". */
type Chaos = (env: ChaosEnv, running: () => boolean, random: () => number) => Promise<string>;

export interface ScenarioOutcome {
  row: ScenarioRow;
  records: PipelineRecord[];
  violations: Violation[];
  workerLog: string;
  /** Histories of every run, for replay. */
  histories: { workflowId: string; history: unknown }[];
}

/** Every mutating action the pipeline calls. */
export const MUTATING_ACTIONS = [
  'CreateImage',
  'DeleteImages',
  'StopInstances',
  'StartInstances',
  'RunInstances',
  'TerminateInstances',
  'CreateSnapshot',
  'DeleteSnapshots',
  'RunCommand',
];

/** Emulator faults of the API scenario: 20 % InternalError, 5 % commit-then-drop per mutation, latency. */
export const API_FAULTS: FaultsBody = {
  seed: 6,
  rules: [
    { action: '*', probability: 0.2, error: 'InternalError' },
    ...MUTATING_ACTIONS.map((action) => ({ action, probability: 0.05, commitThenDrop: true })),
    { action: '*', latencyMs: 50 },
    { action: '*', probability: 0.1, latencyMs: 400 },
  ],
};

export const killWorker =
  (cfg: FleetConfig): Chaos =>
  async (env, running, random) => {
    let kills = 0;
    while (kills < cfg.kills && running()) {
      await sleep(between(random, ...cfg.gapMs));
      if (!running()) break;
      await env.worker.kill();
      kills++;
      cfg.log?.(`  worker SIGKILLed (${kills}/${cfg.kills}), restarting`);
      await env.worker.start();
    }
    return `${kills} worker kills`;
  };

export const restartServer =
  (cfg: FleetConfig): Chaos =>
  async (env, running, random) => {
    let restarts = 0;
    while (restarts < cfg.serverRestarts && running()) {
      await sleep(between(random, ...cfg.gapMs) * 2);
      if (!running()) break;
      await env.restartServer();
      restarts++;
      cfg.log?.(`  dev server restarted (${restarts}/${cfg.serverRestarts})`);
    }
    return `${restarts} server restarts`;
  };

export const apiFaults: Chaos = async (env) => {
  await env.emu.admin.config({ rateLimits: true });
  await env.emu.admin.faults(API_FAULTS);
  return '20% InternalError, 5% commit+drop, rate limits, latency';
};

/**
 * Commit-after-timeout on every mutating action: no answer (the client retries), and the original lands
 * late — soon (before the retry's effect), after an operation's length (a StopInstances landing once the
 * run has started the instance again), or after an image's length (after the run has ended).
 */
export function lateFaults(durations: Durations): { body: FaultsBody; maxLateMs: number } {
  const lates = [1000, durations.instanceStopMs + durations.instanceStartMs, durations.imageCreateMs];
  return {
    body: {
      seed: 9,
      rules: MUTATING_ACTIONS.flatMap((action) =>
        lates.map((lateMs) => ({ action, probability: 0.1, commitAfterTimeout: true, lateMs })),
      ),
    },
    maxLateMs: Math.max(...lates),
  };
}

export const lateCommits =
  (cfg: FleetConfig): Chaos =>
  async (env) => {
    await env.emu.admin.faults(lateFaults(resolveDurations(1, cfg.durations)).body);
    return '10% × 3 commit-after-timeout per mutation';
  };

const noChaos: Chaos = async () => 'none';

export async function runFleetScenario(
  name: string,
  cfg: FleetConfig,
  chaos: Chaos = noChaos,
  faultFreeSeconds?: number,
  opts: { faultsFromStart?: boolean; settleMs?: number; workerEnv?: NodeJS.ProcessEnv } = {
    faultsFromStart: chaos === apiFaults,
  },
): Promise<ScenarioOutcome> {
  const env = await startChaosEnv({
    address: cfg.address,
    taskQueue: `chaos-${name}-${cfg.seed}-${Date.now().toString(36)}`,
    durations: cfg.durations,
    pollIntervalMs: cfg.pollIntervalMs,
    workerEnv: opts.workerEnv,
  });
  try {
    await env.emu.admin.config({ imageQuota: 10_000, rateLimits: false });
    const fleet = await prepareFleet(env.emu, cfg.pipelines, `${name}-${cfg.seed}`);
    const baseline = baselineOf(await env.emu.admin.state());
    const random = seededRandom(cfg.seed);
    // API faults are in force from the first call; the other kinds strike while the fleet runs.
    const immediate = opts.faultsFromStart ? await chaos(env, () => true, random) : undefined;
    const t0 = Date.now();
    const started = await Promise.all(
      fleet.map(async (f) => ({
        record: f.record,
        handle: await startPipeline(env.client, env.taskQueue, f.input),
      })),
    );
    let finished = false;
    const chaosDone = immediate !== undefined ? Promise.resolve(immediate) : chaos(env, () => !finished, random);
    const records = await followAll(started, cfg.timeoutMs, (n) => {
      if (n % Math.max(1, Math.round(cfg.pipelines / 5)) === 0) cfg.log?.(`  ${name}: ${n}/${cfg.pipelines} ended`);
    });
    const seconds = (Date.now() - t0) / 1000;
    finished = true;
    const faults = await chaosDone;
    await env.emu.admin.clearFaults();
    // Calls still to land late land before the check: what they leave is the pipelines' to have handled.
    if (opts.settleMs) await sleep(opts.settleMs);
    const report = checkInvariants(await env.emu.admin.state(), baseline, records);
    const histories = await Promise.all(
      started.map(async (s) => ({ workflowId: s.handle.workflowId, history: await s.handle.fetchHistory() })),
    );
    const row: ScenarioRow = {
      scenario: name,
      faults,
      pipelines: records.length,
      completed: records.filter((r) => r.outcome.status === 'completed').length,
      failedClean: records.filter(
        (r) => r.outcome.status !== 'completed' && !report.violations.some((v) => v.workflowId === r.workflowId),
      ).length,
      duplicates: report.duplicates,
      orphans: report.orphans,
      notRestored: report.notRestored,
      missing: report.missing + report.unfinished,
      seconds,
      ratio: faultFreeSeconds ? seconds / faultFreeSeconds : undefined,
    };
    return { row, records, violations: report.violations, workerLog: env.worker.log(), histories };
  } finally {
    await env.close();
  }
}
