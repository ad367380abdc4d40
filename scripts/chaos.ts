/**
 * `npm run chaos`: fault injection with numbers. Runs a fleet of pipelines fault-free, then with the worker
 * SIGKILLed at random moments, with the dev server restarted, and under emulator API faults; then injects a
 * permanent failure at every step and a cancellation in every stage. Prints one table row per scenario and
 * exits non-zero when a target is missed. See docs/chaos.md.
 */
import { writeFileSync } from 'node:fs';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import { replayHistories } from '../test/chaos/replay';
import {
  apiFaults,
  chaosTiming,
  killWorker,
  lateCommits,
  lateFaults,
  restartServer,
  runFleetScenario,
  type FleetConfig,
  type ScenarioOutcome,
} from '../test/chaos/scenarios';
import { resolveDurations } from '../src/emulator/core/durations';
import { runStepScenarios } from '../test/chaos/step-faults';
import { runTerminateScenario } from '../test/chaos/terminate';
import { formatTable, rowProblems, type ScenarioRow } from '../test/chaos/table';

const SCENARIOS = ['kills', 'server', 'api', 'late', 'steps', 'terminate'] as const;

const int = (min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
  return n;
};

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') }); // the replay worker's bundling chatter
  const opts = new Command('chaos')
    .description('fault injection for the image pipeline: prints a table and checks the targets')
    .option('--pipelines <n>', 'pipelines per fleet scenario', int(1), 100)
    .option('--kills <n>', 'worker SIGKILLs in the kill scenario', int(0), 10)
    .option('--server-restarts <n>', 'dev-server restarts in the server scenario', int(0), 2)
    .option('--seed <n>', 'seed of the kill moments and fault draws', int(0), 1)
    .option('--only <list>', `comma-separated subset of ${SCENARIOS.join(',')}`, (v) => v.split(','))
    .option('--max-ratio <x>', 'time target vs fault-free', Number, 1.5)
    .option('--speed <n>', 'divide realistic cloud durations and the worker poll interval by n', int(1), 3)
    .option('--json <file>', 'also write the rows and violations as JSON')
    .option('--skip-janitor', 'terminate scenario: no janitor pass (shows what terminated runs leave)')
    .option('--lag <ms>', 'Describe* visibility and deletion lag in the emulator (0: off)', int(0), 1000)
    .parse()
    .opts<{
      pipelines: number;
      kills: number;
      serverRestarts: number;
      seed: number;
      only?: string[];
      maxRatio: number;
      speed: number;
      json?: string;
      skipJanitor?: boolean;
      lag: number;
    }>();
  // Every scenario's emulator lists new and deleted resources late, as an eventually consistent cloud may.
  process.env.CVM_CHAOS_LAG_MS = String(opts.lag);
  const only = new Set(opts.only ?? SCENARIOS);
  const log = (line: string) => console.log(line);
  const cfg: FleetConfig = {
    pipelines: opts.pipelines,
    kills: opts.kills,
    serverRestarts: opts.serverRestarts,
    seed: opts.seed,
    ...chaosTiming(opts.speed),
    timeoutMs: 30 * 60_000,
    // Kill and restart moments spread over the fleet's run, which lasts longer at a lower speed.
    gapMs: [Math.round(30_000 / opts.speed), Math.round(90_000 / opts.speed)],
    log,
  };

  const rows: ScenarioRow[] = [];
  const problems: string[] = [];
  const outcomes: ScenarioOutcome[] = [];
  const fleet = only.has('kills') || only.has('server') || only.has('api') || only.has('late');
  let faultFree: number | undefined;
  const record = (o: ScenarioOutcome, expectCompleted: boolean | undefined, maxRatio?: number) => {
    rows.push(o.row);
    outcomes.push(o);
    for (const p of rowProblems(o.row, { expectCompleted, maxRatio })) problems.push(`${o.row.scenario}: ${p}`);
    for (const v of o.violations.slice(0, 20))
      log(`  ! ${v.kind} ${v.resource}${v.workflowId ? ` (${v.workflowId})` : ''}: ${v.detail}`);
    console.log(`${formatTable([o.row])}\n`);
  };

  if (fleet) {
    log(`fault-free: ${cfg.pipelines} pipelines`);
    const base = await runFleetScenario('fault-free', cfg);
    faultFree = base.row.seconds;
    record(base, true);
  }
  if (only.has('kills')) {
    log(`worker kills: ${cfg.pipelines} pipelines, ${cfg.kills} SIGKILLs`);
    record(await runFleetScenario('worker-kills', cfg, killWorker(cfg), faultFree), true, opts.maxRatio);
  }
  if (only.has('server')) {
    log(`server restarts: ${cfg.pipelines} pipelines, ${cfg.serverRestarts} restarts`);
    record(await runFleetScenario('server-restarts', cfg, restartServer(cfg), faultFree), true, opts.maxRatio);
  }
  if (only.has('api')) {
    log(`API faults: ${cfg.pipelines} pipelines`);
    record(await runFleetScenario('api-faults', cfg, apiFaults, faultFree), true, opts.maxRatio);
  }
  if (only.has('late')) {
    log(`commit-after-timeout: ${cfg.pipelines} pipelines`);
    const { maxLateMs } = lateFaults(resolveDurations(1, cfg.durations));
    const late = await runFleetScenario('late-commits', cfg, lateCommits(cfg), faultFree, {
      faultsFromStart: true,
      settleMs: maxLateMs + 1000,
      // The runs' own reconciliation waits for the latest late call too (src/activities/reconcile.ts).
      workerEnv: { CVM_IMAGE_LATE_SETTLE_MS: String(maxLateMs + 1000) },
    });
    record(late, undefined); // a run may complete or fail cleanly; none may leak or leave a source changed
  }
  if (only.has('steps')) {
    log('a permanent failure at every step, a cancellation in every stage');
    for (const o of await runStepScenarios({ pollIntervalMs: 100, log })) record(o, false);
  }
  if (only.has('terminate')) {
    log('terminate in every stage, then one janitor pass per region');
    record(await runTerminateScenario({ pollIntervalMs: 100, log, janitor: !opts.skipJanitor }), false);
  }

  const histories = outcomes.flatMap((o) => o.histories);
  const replay = await replayHistories(histories);
  log(`replayed ${replay.replayed} histories: ${replay.failures.length} nondeterministic`);
  for (const f of replay.failures) problems.push(`replay ${f.workflowId}: ${f.error}`);

  console.log(`\n${formatTable(rows)}\n`);
  if (opts.json) {
    const violations = outcomes.flatMap((o) => o.violations.map((v) => ({ scenario: o.row.scenario, ...v })));
    writeFileSync(opts.json, JSON.stringify({ rows, violations, problems }, null, 2));
  }
  if (problems.length) {
    console.log(`targets missed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log('all targets met: every pipeline completed or cleanly failed, 0 duplicates, 0 orphans, 0 not restored');
  }
}

main().catch((err) => {
  console.error('chaos:', err);
  process.exit(1);
});
