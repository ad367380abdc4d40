import {
  cloudTimeMs,
  detections,
  indexSettled,
  overheadPct,
  percentile,
  perPipeline,
  slope,
  type PipelineSample,
} from '../../bench/metrics';
import { BENCH_DURATIONS } from '../../bench/durations';
import type { CreateCustomImageResult } from '../../src/contract';

const iso = (ms: number) => new Date(ms).toISOString();
const T = Date.parse('2026-01-01T00:00:00Z');

/** A stopped-and-started pipeline with a data-disk snapshot and a launch that was terminated. */
function sample(): PipelineSample {
  const result: CreateCustomImageResult = {
    imageId: 'img-1',
    snapshotIds: ['snap-1', 'snap-2'],
    launchedInstanceIds: ['ins-new'],
    shutdownPerformed: true,
    warnings: [],
    stages: [
      { name: 'stopping', start: iso(T), end: iso(T + 5_300) },
      { name: 'creating-image', start: iso(T + 5_300), end: iso(T + 5_400) },
      { name: 'waiting-for-image', start: iso(T + 5_400), end: iso(T + 65_900) },
      { name: 'starting', start: iso(T + 65_900), end: iso(T + 71_500) },
      { name: 'snapshotting-data-disks', start: iso(T + 71_500), end: iso(T + 102_000) },
      { name: 'launching', start: iso(T + 102_000), end: iso(T + 112_700) },
      { name: 'verifying-launch', start: iso(T + 112_700), end: iso(T + 113_000) },
      { name: 'cleaning-up-launch', start: iso(T + 113_000), end: iso(T + 118_500) },
    ],
  };
  return { sourceInstanceId: 'ins-src', result, startMs: T - 1_000, closeMs: T + 118_500 };
}

const settled = indexSettled([
  { kind: 'instance', id: 'ins-src', state: 'RUNNING', at: T - 50_000 }, // before the run: not the restart
  { kind: 'instance', id: 'ins-src', state: 'STOPPED', at: T + 5_000 },
  { kind: 'image', id: 'img-1', state: 'NORMAL', at: T + 65_400 },
  { kind: 'instance', id: 'ins-src', state: 'RUNNING', at: T + 70_900 },
  { kind: 'snapshot', id: 'snap-1', state: 'NORMAL', at: T + 100_000 },
  { kind: 'snapshot', id: 'snap-2', state: 'NORMAL', at: T + 101_500 },
  { kind: 'instance', id: 'ins-new', state: 'RUNNING', at: T + 112_000 },
]);

describe('bench metrics', () => {
  it('pairs every flip with the end of the stage that waited on it', () => {
    const got = detections(sample(), settled).map((d) => [d.what, d.latencyMs]);
    expect(got).toEqual([
      ['image NORMAL', 500],
      ['snapshots NORMAL', 500], // the later of the two snapshots
      ['source STOPPED', 300],
      ['source RUNNING again', 600], // not the RUNNING before the run
      ['launched RUNNING', 700],
    ]);
  });

  it('snapshots taken with the image (#13 item 3) count from when the run starts waiting on them', () => {
    // CreateSnapshot right after CreateImage: both NORMAL at +40 s, long before the run, busy with the image
    // and the restart, reaches its snapshot stage at +71.5 s; it moves on 200 ms after that stage begins.
    const early = sample();
    early.result.dataDiskConsistency = 'stopped';
    early.result.stages = early.result.stages.map((st) =>
      st.name === 'snapshotting-data-disks' ? { ...st, end: iso(T + 71_700) } : st,
    );
    const flips = indexSettled([
      { kind: 'snapshot', id: 'snap-1', state: 'NORMAL', at: T + 40_000 },
      { kind: 'snapshot', id: 'snap-2', state: 'NORMAL', at: T + 40_000 },
    ]);
    expect(detections(early, flips)).toEqual([{ kind: 'snapshot', what: 'snapshots NORMAL', latencyMs: 200 }]);
  });

  it('skips a flip the emulator has not recorded', () => {
    const partial = indexSettled([{ kind: 'image', id: 'img-1', state: 'NORMAL', at: T + 65_000 }]);
    expect(detections(sample(), partial).map((d) => d.kind)).toEqual(['image']);
  });

  it('counts the emulated cloud time of the operations waited on, and the overhead against it', () => {
    const d = BENCH_DURATIONS;
    expect(cloudTimeMs(sample().result, d)).toBe(115_000);
    // wall 119.5 s against 115 s of cloud time
    expect(overheadPct(sample(), d)).toBeCloseTo((4_500 / 115_000) * 100, 6);
    const online = { ...sample().result, shutdownPerformed: false, snapshotIds: [], launchedInstanceIds: [] };
    expect(cloudTimeMs(online, d)).toBe(60_000);
  });

  it('percentiles by nearest rank, slope by least squares', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(slope(xs.map((x) => ({ x, y: 1000 + 300 * x })))).toBeCloseTo(300, 9);
    expect(
      slope([
        { x: 1, y: 2 },
        { x: 1, y: 5 },
      ]),
    ).toBeNaN();
  });

  it('turns per-region request counts into calls per pipeline', () => {
    expect(
      perPipeline({ DescribeImages: { 'ap-guangzhou': 30, 'ap-shanghai': 20 }, CreateImage: { x: 10 } }, 10),
    ).toEqual({ DescribeImages: 5, CreateImage: 1 });
  });
});
