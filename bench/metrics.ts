/**
 * The benchmark's figures from raw observations (pure, unit-tested): detection latency from the emulator's
 * exact flip times against the workflow's stage ends, emulated cloud time, overhead, the RSS slope.
 */
import type { SettledEvent } from '../src/emulator/state/types';
import type { Durations } from '../src/emulator';
import type { CreateCustomImageResult, StageName } from '../src/contract';

export interface Quantiles {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

/** Nearest-rank percentile (p in 0–100) of unsorted values; NaN for none. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function quantiles(values: number[]): Quantiles {
  return {
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : NaN,
    n: values.length,
  };
}

/** One finished pipeline as the harness saw it. */
export interface PipelineSample {
  sourceInstanceId: string;
  result: CreateCustomImageResult;
  /** Workflow start and close (server times, epoch ms). */
  startMs: number;
  closeMs: number;
}

export type FlipKind = 'image' | 'snapshot' | 'instance';

export interface Detection {
  kind: FlipKind;
  what: string;
  /** When the workflow moved on minus when the emulator flipped the resource, ms. */
  latencyMs: number;
}

export type SettledIndex = Map<string, SettledEvent[]>;

/** The emulator's flips by resource id, in time order. */
export function indexSettled(settled: SettledEvent[]): SettledIndex {
  const index: SettledIndex = new Map();
  for (const e of [...settled].sort((a, b) => a.at - b.at)) {
    const list = index.get(e.id) ?? [];
    list.push(e);
    index.set(e.id, list);
  }
  return index;
}

/**
 * Pairs each flip the pipeline waited for with the stage that waited on it:
 * image NORMAL → waiting-for-image; last data-disk snapshot NORMAL → snapshotting-data-disks;
 * source STOPPED → stopping, RUNNING again → starting; last launched instance RUNNING → launching.
 */
export function detections(p: PipelineSample, settled: SettledIndex): Detection[] {
  const r = p.result;
  const out: Detection[] = [];
  const flips = (kind: SettledEvent['kind'], ids: string[], state: string, after = 0) =>
    ids.map((id) => settled.get(id)?.find((e) => e.kind === kind && e.state === state && e.at >= after)?.at);
  // Counted from the later of the flip and the start of the stage that waits on it: snapshots taken with the
  // image (#13 item 3) are often NORMAL before the run, busy with the image and the restart, gets to them.
  const add = (kind: FlipKind, what: string, flipAt: (number | undefined)[], stage: StageName) => {
    const s = r.stages.find((x) => x.name === stage);
    if (!flipAt.length || !s?.end || flipAt.some((t) => t === undefined)) return;
    const from = Math.max(Date.parse(s.start), ...(flipAt as number[]));
    out.push({ kind, what, latencyMs: Date.parse(s.end) - from });
  };
  if (r.imageId) add('image', 'image NORMAL', flips('image', [r.imageId], 'NORMAL'), 'waiting-for-image');
  if (r.snapshotIds.length)
    add('snapshot', 'snapshots NORMAL', flips('snapshot', r.snapshotIds, 'NORMAL'), 'snapshotting-data-disks');
  const stopping = r.stages.find((s) => s.name === 'stopping');
  if (stopping) {
    const stoppedAt = flips('instance', [p.sourceInstanceId], 'STOPPED', Date.parse(stopping.start));
    add('instance', 'source STOPPED', stoppedAt, 'stopping');
    const starting = r.stages.find((s) => s.name === 'starting');
    if (starting)
      add(
        'instance',
        'source RUNNING again',
        flips('instance', [p.sourceInstanceId], 'RUNNING', Date.parse(starting.start)),
        'starting',
      );
  }
  if (r.launchedInstanceIds.length)
    add('instance', 'launched RUNNING', flips('instance', r.launchedInstanceIds, 'RUNNING'), 'launching');
  return out;
}

/**
 * The time the emulated cloud itself needed for this pipeline: the durations of the operations it waited
 * on, in sequence (image, stop and start, snapshots, launch, terminate of a launch that is not kept).
 * Snapshots taken with the image (`dataDiskConsistency` set, #13 item 3) count only where they outlast the
 * image wait and the restart they run alongside.
 */
export function cloudTimeMs(r: CreateCustomImageResult, d: Durations): number {
  let ms = r.imageId ? d.imageCreateMs : 0;
  if (r.shutdownPerformed) ms += d.instanceStopMs + d.instanceStartMs;
  const overlapped = r.dataDiskConsistency ? d.imageCreateMs + (r.shutdownPerformed ? d.instanceStartMs : 0) : 0;
  if (r.snapshotIds.length) ms += Math.max(0, d.snapshotCreateMs - overlapped);
  if (r.launchedInstanceIds.length) {
    ms += d.instanceLaunchMs;
    if (r.stages.some((s) => s.name === 'cleaning-up-launch')) ms += d.instanceTerminateMs;
  }
  return ms;
}

/** (wall − cloud) / cloud, in percent. */
export function overheadPct(p: PipelineSample, d: Durations): number {
  const cloud = cloudTimeMs(p.result, d);
  return cloud > 0 ? ((p.closeMs - p.startMs - cloud) / cloud) * 100 : NaN;
}

/** Least-squares slope of y on x (bytes per in-flight pipeline); NaN when x does not vary. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : NaN;
}

/** Emulator request counts (action → region → n) as calls per pipeline per action. */
export function perPipeline(counts: Record<string, Record<string, number>>, pipelines: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [action, byRegion] of Object.entries(counts)) {
    const total = Object.values(byRegion).reduce((a, b) => a + b, 0);
    out[action] = Math.round((total / pipelines) * 100) / 100;
  }
  return out;
}

/** Seconds spent in each stage across pipelines (where the overhead goes). */
export function stageSeconds(samples: PipelineSample[]): Record<string, Quantiles> {
  const by = new Map<string, number[]>();
  for (const p of samples) {
    for (const s of p.result.stages) {
      if (!s.end) continue;
      const list = by.get(s.name) ?? [];
      list.push((Date.parse(s.end) - Date.parse(s.start)) / 1000);
      by.set(s.name, list);
    }
  }
  return Object.fromEntries([...by].map(([name, v]) => [name, quantiles(v)]));
}
