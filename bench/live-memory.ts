/**
 * P6, live memory: the worker's memory after a forced full GC (bench/gc-probe.cjs), against the pipelines in
 * flight at that moment. RSS alone is a high-water mark (V8 grows its heap lazily and seldom gives pages
 * back), so its slope understates what a pipeline costs while it runs and overstates what it leaves behind.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { slope } from './metrics';
import type { RssSample } from './sampler';

export interface GcSample {
  /** Epoch ms. */
  at: number;
  /** worker_threads threadId: 0 is the main thread, the others the SDK's workflow threads. */
  thread?: number;
  rss: number;
  heapUsed: number;
  external: number;
}

export interface LiveSample {
  /** ms since the pipelines started (negative: before). */
  t: number;
  rssBytes: number;
  /** Every thread's V8 heap in use after its latest forced GC. */
  heapUsedBytes: number;
  inFlight: number;
}

export interface LiveMemory {
  samples: LiveSample[];
  /** The last sample before the first pipeline started. */
  baseline: LiveSample;
  /** The median sample while at least 90 % of the most pipelines ever in flight were. */
  steady: LiveSample & { samples: number };
  /** (steady − baseline) ÷ pipelines in flight at steady state: includes the worker's one-off warm-up. */
  perPipelineBytes: { rss: number; heapUsed: number };
  /** (steady − after) ÷ pipelines in flight at steady state: what the pipelines held and gave back. */
  releasedPerPipelineBytes: { rss: number; heapUsed: number };
  /** Least-squares slope against pipelines in flight, every sample from the baseline on. */
  slopeBytes: { rss: number; heapUsed: number };
  /** The last sample, once every pipeline had ended: what stays behind. */
  after: LiveSample;
}

export function readGcSamples(dir: string, pid: number): GcSample[] {
  const file = path.join(dir, `gc-${pid}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as GcSample);
}

/** In flight at `t` (ms since start): the bench's own sample nearest in time; 0 before the start. */
function inFlightAt(t: number, rss: RssSample[]): number {
  if (t < 0 || !rss.length) return 0;
  let best = rss[0];
  for (const s of rss) if (Math.abs(s.t - t) < Math.abs(best.t - t)) best = s;
  return best.inFlight;
}

export function liveMemory(gc: GcSample[], rss: RssSample[], startedAtMs: number): LiveMemory | null {
  // One sample per main-thread GC: the process's RSS, and the heaps of all threads as last reported.
  const heapOf = new Map<number, number>();
  const samples: LiveSample[] = [];
  for (const g of [...gc].sort((a, b) => a.at - b.at)) {
    heapOf.set(g.thread ?? 0, g.heapUsed);
    if ((g.thread ?? 0) !== 0) continue;
    const t = g.at - startedAtMs;
    const heapUsedBytes = [...heapOf.values()].reduce((a, b) => a + b, 0);
    samples.push({ t, rssBytes: g.rss, heapUsedBytes, inFlight: inFlightAt(t, rss) });
  }
  if (!samples.length) return null;
  const before = samples.filter((s) => s.t < 0);
  const baseline = before.length ? before[before.length - 1] : samples[0];
  const from = samples.filter((s) => s.t >= baseline.t);
  const peak = Math.max(...from.map((s) => s.inFlight));
  const plateau = from.filter((s) => peak > 0 && s.inFlight >= 0.9 * peak);
  const median = (k: 'rssBytes' | 'heapUsedBytes' | 'inFlight') => {
    const v = plateau.map((s) => s[k]).sort((a, b) => a - b);
    return v.length ? v[Math.floor((v.length - 1) / 2)] : NaN;
  };
  const steady = {
    t: plateau.length ? plateau[Math.floor((plateau.length - 1) / 2)].t : NaN,
    rssBytes: median('rssBytes'),
    heapUsedBytes: median('heapUsedBytes'),
    inFlight: median('inFlight'),
    samples: plateau.length,
  };
  const after = samples[samples.length - 1];
  const per = (k: 'rssBytes' | 'heapUsedBytes', from: LiveSample = baseline) =>
    Math.round((steady[k] - from[k]) / steady.inFlight);
  const fit = (k: 'rssBytes' | 'heapUsedBytes') => Math.round(slope(from.map((s) => ({ x: s.inFlight, y: s[k] }))));
  return {
    samples,
    baseline,
    steady,
    perPipelineBytes: { rss: per('rssBytes'), heapUsed: per('heapUsedBytes') },
    releasedPerPipelineBytes: { rss: per('rssBytes', after), heapUsed: per('heapUsedBytes', after) },
    slopeBytes: { rss: fit('rssBytes'), heapUsed: fit('heapUsedBytes') },
    after,
  };
}
