/** The issue's targets (P1–P7) checked against one run, as printed lines. */
import type { BenchRun } from './report';

export interface TargetCheck {
  id: string;
  what: string;
  measured: string;
  target: string;
  met: boolean;
}

const MB = 2 ** 20;

export function checkTargets(r: BenchRun): TargetCheck[] {
  const describeImages = r.callsPerPipeline.DescribeImages ?? 0;
  // Tencent limits per action and region; older results only have per-action peaks (all regions together).
  const peaks = r.peakRpsByRegion
    ? Object.entries(r.peakRpsByRegion).flatMap(([a, byRegion]) => Object.values(byRegion).map((n) => [a, n] as const))
    : Object.entries(r.peakRps);
  const worstShare = Math.max(0, ...peaks.map(([a, n]) => n / (r.limits[a] ?? Infinity)));
  const live = r.liveMemory;
  return [
    {
      id: 'P0',
      what: `makespan ÷ lower bound (${r.makespanBound ? `${(r.makespanBound.ms / 1000).toFixed(0)} s, set by ${r.makespanBound.bindingBy}` : 'not computed'})`,
      measured: r.makespanBound ? `${(r.makespanMs / 1000).toFixed(1)} s, ratio ${r.makespanRatio}` : 'n/a',
      target: '≤ 1.10',
      met: r.makespanRatio <= 1.1,
    },
    {
      id: 'P1',
      what: 'detection latency p50 / p99',
      measured: `${r.detectionLatencyMs.p50} / ${r.detectionLatencyMs.p99} ms`,
      target: 'p99 ≤ 2000 ms',
      met: r.detectionLatencyMs.p99 <= 2000,
    },
    {
      id: 'P2',
      what: 'DescribeImages per pipeline',
      measured: String(describeImages),
      target: '≤ 3',
      met: describeImages <= 3,
    },
    {
      id: 'P3',
      what: 'peak rps / documented limit (worst action and region), throttled',
      measured: `${Math.round(worstShare * 100)} %, ${r.throttledFailures} RequestLimitExceeded`,
      target: '≤ 50 %, 0',
      met: worstShare <= 0.5 && r.throttledFailures === 0,
    },
    {
      id: 'P4',
      what: 'completed / started',
      measured: `${r.completed} / ${r.pipelines}`,
      target: 'all',
      met: r.completed === r.pipelines,
    },
    {
      id: 'P5',
      what: 'overhead p50 / p99 (of cloud time)',
      measured: `${r.overheadPct.p50} % / ${r.overheadPct.p99} %`,
      target: 'p50 ≤ 5 %',
      met: r.overheadPct.p50 <= 5,
    },
    {
      id: 'P6a',
      what: 'worker RSS (high-water, no GC) slope per in-flight pipeline',
      measured: `${(r.rssBytesPerPipeline / MB).toFixed(3)} MB (max RSS ${(r.rssBytes.max / MB).toFixed(0)} MB)`,
      target: '≤ 1 MB',
      met: r.rssBytesPerPipeline <= MB,
    },
    {
      id: 'P6',
      what: 'live memory per pipeline in flight, after forced GC: heap given back at the end, RSS slope',
      measured: live
        ? `heap ${(live.releasedPerPipelineBytes.heapUsed / MB).toFixed(3)} MB, RSS slope ${(live.slopeBytes.rss / MB).toFixed(3)} MB (with warm-up: RSS ${(live.perPipelineBytes.rss / MB).toFixed(3)}, heap ${(live.perPipelineBytes.heapUsed / MB).toFixed(3)} MB; ${live.steady.inFlight} in flight)`
        : 'not measured',
      target: '≤ 1 MB',
      met: !!live && live.releasedPerPipelineBytes.heapUsed <= MB && live.slopeBytes.rss <= MB,
    },
    {
      id: 'P7',
      what: 'history events per pipeline p50 / max',
      measured: `${r.historyEvents.p50} / ${r.historyEvents.max}`,
      target: '≤ 100',
      met: r.historyEvents.max <= 100,
    },
  ];
}

export function targetReport(r: BenchRun): string {
  const head = `${r.poller}, ${r.workers ?? 1} worker(s) (${r.budget ?? 'process'} budget${r.killedWorkerAfterSeconds != null ? `, one killed after ${r.killedWorkerAfterSeconds} s` : ''}), ${r.pipelines} pipelines, ${r.regions.length} region(s), poll ${r.pollIntervalMs} ms, ${r.wallSeconds} s wall, CPU s: worker ${r.cpuSeconds.worker}, server ${r.cpuSeconds.server}, harness+emulator ${r.cpuSeconds.harnessAndEmulator}`;
  const rows = checkTargets(r).map(
    (c) => `  ${c.met ? 'ok  ' : 'MISS'} ${c.id} ${c.what}: ${c.measured} (target ${c.target})`,
  );
  return [head, ...rows].join('\n');
}
