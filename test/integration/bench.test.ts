/**
 * The scale benchmark at N = 20 (scaled down 20×), as the documented command runs it, so the harness
 * cannot rot: every field of the JSON is there with a sane value. No timing targets here (see docs/bench.md).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchRun } from '../../bench/report';
import { spawnTs } from '../helpers/processes';
import { testAddress } from '../helpers/temporal';

const N = 20;

describe('npm run bench (N = 20)', () => {
  let out: string;
  let doc: BenchRun & { runs: BenchRun[]; command: string };
  let files: string[];

  beforeAll(async () => {
    out = mkdtempSync(path.join(os.tmpdir(), 'cvm-bench-'));
    const bench = spawnTs('bench/run.ts', [
      '--pipelines',
      String(N),
      '--regions',
      '2',
      '--speed-up',
      '20',
      '--poll-ms',
      '200',
      '--temporal-address',
      testAddress(),
      '--gc-every-s',
      '1',
      '--out',
      out,
      '--latest',
    ]);
    const code = await bench.exited;
    if (code !== 0) throw new Error(`bench exited with ${code}:\n${bench.output()}`);
    files = readdirSync(out);
    doc = JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8'));
  }, 600_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes a timestamped result, latest.json and the chart', () => {
    expect(files).toEqual(expect.arrayContaining(['latest.json', 'latest.svg']));
    expect(files.filter((f) => /^\d{4}-\d\d-\d\dT.*\.json$/.test(f))).toHaveLength(1);
    const svg = readFileSync(path.join(out, 'latest.svg'), 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('<polyline'); // the RSS line
    expect(svg).toContain('batched: 20/20 done');
  });

  it('ran every pipeline to completion with the batched pollers', () => {
    expect(doc.runs).toHaveLength(1);
    expect(doc).toMatchObject({ pipelines: N, completed: N, poller: 'batched', failures: [] });
    expect(doc.regions).toEqual(['ap-guangzhou', 'ap-shanghai']);
  });

  it('P0: the makespan against the lower bound the limits and durations allow, which no run can beat', () => {
    const b = doc.makespanBound;
    expect(b.share).toBe(0.5);
    expect(b.ms).toBeGreaterThanOrEqual(b.longestChainMs);
    // The fleet's longest chain (online, launched, terminated: image, launch, terminate; the data-disk snapshot,
    // taken with the image, runs alongside its 60 s) at speed-up 20.
    expect(b.longestChainMs).toBe((60_000 + 10_000 + 5_000) / 20);
    expect(b.byActionRegion['CreateImage@ap-guangzhou']).toMatchObject({ calls: N / 2, perSecond: 5 });
    expect(doc.makespanMs).toBeGreaterThanOrEqual(b.ms);
    expect(doc.makespanRatio).toBeCloseTo(doc.makespanMs / b.ms, 2);
    expect(doc.peakPctByActionRegion['CreateImage@ap-guangzhou']).toBeGreaterThan(0);
  });

  it('P1: a detection latency for every image (and for snapshots and instances)', () => {
    const d = doc.detectionLatencyMs;
    expect(d.byKind.image.n).toBe(N);
    expect(d.byKind.snapshot.n).toBeGreaterThan(0);
    expect(d.byKind.instance.n).toBeGreaterThan(0);
    // Every sample counted once, in its kind; a detection before the emulator's flip would be negative.
    expect(d.n).toBe(Object.values(d.byKind).reduce((sum, k) => sum + k.n, 0));
    expect(Number.isFinite(d.p50)).toBe(true);
    expect(d.p50).toBeGreaterThanOrEqual(0);
    expect(d.p99).toBeGreaterThanOrEqual(d.p50);
    expect(d.max).toBeGreaterThanOrEqual(d.p99);
  });

  it('P2/P3: calls per pipeline per action, peaks against the documented limits, no throttling', () => {
    const calls = doc.callsPerPipeline;
    expect(calls.CreateImage).toBeGreaterThanOrEqual(1);
    expect(calls.DescribeImages).toBeGreaterThan(0);
    // Concurrent quota checks of a region share one DescribeImageQuota.
    expect(calls.DescribeImageQuota).toBeGreaterThan(0);
    expect(calls.DescribeImageQuota).toBeLessThanOrEqual(1);
    expect(doc.limits).toMatchObject({ DescribeImages: 40, CreateImage: 10, DescribeSnapshots: 20 });
    for (const action of Object.keys(calls)) {
      expect(doc.peakRps[action]).toBeGreaterThan(0);
      expect(doc.limits[action]).toBeGreaterThan(0);
    }
    expect(doc.throttledFailures).toBe(0);
  });

  it('P5–P7: overhead, worker memory per pipeline and history sizes are measured', () => {
    expect(doc.overheadPct.n).toBe(N);
    expect(Number.isFinite(doc.overheadPct.p50)).toBe(true);
    expect(doc.overheadPct.p99).toBeGreaterThanOrEqual(doc.overheadPct.p50);
    expect(Number.isFinite(doc.rssBytesPerPipeline)).toBe(true);
    expect(doc.rssBytes.max).toBeGreaterThan(20 * 2 ** 20); // a node worker is tens of MB at least
    expect(doc.rssBytes.max).toBeGreaterThanOrEqual(doc.rssBytes.baseline);
    expect(Number.isFinite(doc.rssBytes.maxMinusBaselinePerPipeline)).toBe(true);
    expect(doc.rssSamples.some((s) => s.inFlight === N)).toBe(true);
    // Live memory: forced GCs in the worker (main thread and workflow threads) while pipelines ran.
    expect(doc.liveMemory).not.toBeNull();
    expect(doc.liveMemory!.steady.samples).toBeGreaterThan(0);
    expect(doc.liveMemory!.steady.inFlight).toBeGreaterThan(0);
    expect(doc.liveMemory!.steady.heapUsedBytes).toBeGreaterThan(0);
    expect(Number.isFinite(doc.liveMemory!.perPipelineBytes.rss)).toBe(true);
    expect(doc.historyEvents.n).toBe(N);
    expect(doc.historyEvents.p50).toBeGreaterThan(10);
    expect(doc.historyEvents.max).toBe(doc.longestHistory?.events);
    expect(doc.longestHistory?.byType.WORKFLOW_EXECUTION_STARTED).toBe(1);
    // Snapshot progress is signalled at 25/50/75 % only. The ≤ 100 events target itself is a benchmark figure
    // (docs/bench.md P7), reported, not asserted: steps added behind patched() move it.
    expect(doc.longestHistory?.byType.WORKFLOW_EXECUTION_SIGNALED ?? 0).toBeLessThanOrEqual(3);
    expect(doc.cpuSeconds.worker).toBeGreaterThan(0);
  });
});
