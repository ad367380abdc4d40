/** The emulated cloud's durations in a benchmark run (docs/bench.md), shared by the harness and the unit tests. */
import type { Durations } from '../src/emulator';
import { resolveDurations } from '../src/emulator/core/durations';

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
