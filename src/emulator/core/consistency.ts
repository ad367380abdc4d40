/**
 * Optional eventual consistency of Describe* (#12), off by default. Tencent documents no read-after-write
 * guarantee for DescribeImages / DescribeInstances / DescribeSnapshots and no time for a deletion to show
 * (their documents are silent either way), so clients must poll and cope with both answers:
 * - `visibilityLagMs`: a new image, instance or snapshot is not listed until that long after the second it
 *   was created (records keep seconds, so the lag seen is between lagMs − 1 s and lagMs);
 * - `deletionLagMs`: a deleted image or snapshot is still listed, as it was, for that long; every other
 *   action already answers it NotFound.
 * Set with `POST /_emulator/config {"visibilityLagMs": …, "deletionLagMs": …}` (0 = off).
 */
import type { EmulatorState, ImageRecord, SnapshotRecord } from '../state/types';

type Ghosts = NonNullable<EmulatorState['ghosts']>;

/** Hides records created less than the configured lag ago; returns `records` itself when the lag is off. */
export function visible<T extends { createdTime: string }>(s: EmulatorState, records: T[], now: number): T[] {
  const lag = s.config.visibilityLagMs ?? 0;
  if (!lag) return records;
  return records.filter((r) => Date.parse(r.createdTime) + lag <= now);
}

/** Keeps a deleted record listable for the deletion lag (no-op when off). */
export function rememberDeleted(
  s: EmulatorState,
  kind: keyof Ghosts,
  rec: ImageRecord | SnapshotRecord,
  now: number,
): void {
  const lag = s.config.deletionLagMs ?? 0;
  if (!lag) return;
  s.ghosts ??= { images: {}, snapshots: {} };
  (s.ghosts[kind] as Record<string, { rec: typeof rec; until: number }>)[rec.id] = {
    rec: structuredClone(rec),
    until: now + lag,
  };
}

/** Deleted records still listed at `now` (expired ones are dropped). */
export function ghosts<K extends keyof Ghosts>(s: EmulatorState, kind: K, now: number): Ghosts[K][string]['rec'][] {
  const table = s.ghosts?.[kind];
  if (!table) return [];
  for (const [id, g] of Object.entries(table)) if (g.until <= now) delete table[id];
  return Object.values(table).map((g) => g.rec) as Ghosts[K][string]['rec'][];
}
