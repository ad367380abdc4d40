/**
 * `npm run bench -- --pipelines N [--regions R] [--workers K [--kill-one-after S]] [--poller batched|per-activity] [--compare]`: runs the scale
 * benchmark (bench/harness.ts), prints the figures against the targets, and writes
 * bench/results/<timestamp>.json plus, with --latest, latest.json and the chart latest.svg. See docs/bench.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_POLL_INTERVAL_MS } from '../src/activities';
import { POLLER_MODES, type PollerMode } from '../src/activities/pollers';
import { renderChart } from './chart';
import { BENCH_DURATIONS, scaleDurations } from './durations';
import { runBench } from './harness';
import type { BenchRun } from './report';
import { targetReport } from './targets';

const int = (min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
  return n;
};

interface Opts {
  pipelines: number;
  regions: number;
  poller: PollerMode;
  compare?: boolean;
  pollMs: number;
  maxActivities?: number;
  workerHeapMb?: number;
  maxCachedWorkflows?: number;
  fstab: 'fix' | 'ignore';
  timeoutMin: number;
  speedUp: number;
  out: string;
  latest?: boolean;
  temporalAddress?: string;
  workers: number;
  budget?: 'process' | 'fleet';
  killOneAfter?: number;
  gcEveryS: number;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const opts = new Command('bench')
    .description('scale benchmark of createCustomImage: N pipelines on K workers against the emulator')
    .option('--pipelines <n>', 'pipelines to run', int(1), 100)
    .option('--regions <n>', 'regions to spread them over', int(1), 3)
    .addOption(new Option('--poller <mode>', 'worker poller mode').choices(POLLER_MODES).default('batched'))
    .option('--compare', 'run both poller modes, one after the other, on the same settings')
    .option(
      '--poll-ms <n>',
      'worker Describe* polling interval (CVM_IMAGE_POLL_INTERVAL_MS)',
      int(10),
      DEFAULT_POLL_INTERVAL_MS,
    )
    .option('--max-activities <n>', 'worker activity slots (CVM_IMAGE_MAX_ACTIVITIES)', int(1))
    .option('--worker-heap-mb <n>', "the worker's --max-old-space-size", int(64))
    .option('--max-cached-workflows <n>', "the worker's sticky cache (CVM_IMAGE_MAX_CACHED_WORKFLOWS)", int(0))
    .addOption(
      new Option('--fstab <mode>', "pipelines' fstab mode (fix runs TAT scripts on this machine)")
        .choices(['fix', 'ignore'])
        .default('ignore'),
    )
    .option('--speed-up <x>', 'divide the emulated durations (image 60 s, snapshot 30 s…) by x', Number, 1)
    .option('--timeout-min <n>', 'give up on runs still open after this many minutes', int(1), 30)
    .option('--workers <k>', 'worker processes (more than one: fleet budget queues)', int(1), 1)
    .addOption(
      new Option(
        '--budget <mode>',
        "rate budget: per worker process, or the fleet's (default fleet when --workers > 1)",
      ).choices(['process', 'fleet']),
    )
    .option('--gc-every-s <s>', 'force a GC in the worker and record live memory every s seconds (0: off)', int(0), 10)
    .option('--kill-one-after <s>', 'SIGKILL one worker process this many seconds after the start', int(0))
    .option('--out <dir>', 'results directory', path.join(__dirname, 'results'))
    .option('--temporal-address <host:port>', 'use this Temporal server instead of starting a dev server')
    .option('--latest', 'also write latest.json and latest.svg (the committed figures)')
    .parse()
    .opts<Opts>();

  const modes: PollerMode[] = opts.compare ? ['batched', 'per-activity'] : [opts.poller];
  const runs: BenchRun[] = [];
  for (const poller of modes) {
    const run = await runBench({
      pipelines: opts.pipelines,
      regions: opts.regions,
      poller,
      pollIntervalMs: opts.pollMs,
      maxActivities: opts.maxActivities,
      workerHeapMb: opts.workerHeapMb,
      maxCachedWorkflows: opts.maxCachedWorkflows,
      fstab: opts.fstab,
      durations: scaleDurations(BENCH_DURATIONS, opts.speedUp),
      timeoutMs: opts.timeoutMin * 60_000,
      address: opts.temporalAddress,
      workers: opts.workers,
      budget: opts.budget,
      killOneAfterSeconds: opts.killOneAfter,
      gcEverySeconds: opts.gcEveryS,
      log: (line) => console.log(line),
    });
    runs.push(run);
    console.log(`\n${targetReport(run)}\n`);
  }

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const doc = {
    startedAt: new Date().toISOString(),
    uptime: uptime(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`,
    machine: { cpus: os.cpus().length, memoryBytes: os.totalmem(), node: process.version },
    ...(runs.length === 1 ? runs[0] : {}),
    runs,
  };
  mkdirSync(opts.out, { recursive: true });
  const file = path.join(opts.out, `${stamp}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  const title = `createCustomImage × ${opts.pipelines} on ${opts.workers} worker(s), ${opts.regions} region(s)`;
  const svg = renderChart(runs, title);
  writeFileSync(path.join(opts.out, `${stamp}.svg`), svg);
  if (opts.latest) {
    writeFileSync(path.join(opts.out, 'latest.json'), JSON.stringify(doc, null, 2));
    writeFileSync(path.join(opts.out, 'latest.svg'), svg);
  }
  console.log(`wrote ${file}`);
  if (runs.length === 2) {
    const [a, b] = runs;
    const ratio = (x: number, y: number) => (x > 0 ? (y / x).toFixed(1) : '–');
    console.log(
      `per-activity / batched: DescribeImages per pipeline ×${ratio(a.callsPerPipeline.DescribeImages ?? 0, b.callsPerPipeline.DescribeImages ?? 0)}, ` +
        `detection p99 ×${ratio(a.detectionLatencyMs.p99, b.detectionLatencyMs.p99)}`,
    );
  }
  if (runs.some((r) => r.completed < r.pipelines)) process.exitCode = 1;
}

/** `uptime` as the shell prints it: the load on this shared machine goes with every result. */
function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`;
  }
}

main().catch((err) => {
  console.error('bench:', err);
  process.exit(1);
});
