/**
 * The stages of a run in the order they happen, so a follower can turn `progress` into one overall
 * percentage. Stages a run skips (no approval, online imaging, no launch) are simply jumped over.
 */
import type { PipelineProgress, StageName } from '../workflows/types';

export const STAGE_ORDER: readonly StageName[] = [
  'validating',
  'inspecting',
  'checking-quota',
  'preparing-fstab',
  'awaiting-approval',
  'stopping',
  'creating-image',
  'waiting-for-image',
  'restoring-fstab',
  'starting',
  'snapshotting-data-disks',
  'launching',
  'verifying-launch',
  'cleaning-up-launch',
  'completed',
];

/** Where a run ended up once it is over. */
export const TERMINAL_STAGES: readonly StageName[] = ['completed', 'failed', 'cancelled'];

/**
 * Overall percent (0–100) for a progress report: each stage is an equal slice, and a stage's own percent
 * (image or snapshot creation) fills its slice. Off-path stages (compensating, failed, cancelled) keep
 * the last known value, so a bar never jumps backwards.
 */
export function overallPercent(progress: Pick<PipelineProgress, 'stage' | 'percent'>, previous = 0): number {
  if (progress.stage === 'completed') return 100;
  const index = STAGE_ORDER.indexOf(progress.stage);
  if (index < 0) return previous;
  const slices = STAGE_ORDER.length - 1; // "completed" is the end point, not a slice
  const within = Math.min(Math.max(progress.percent ?? 0, 0), 100) / 100;
  const value = Math.floor(((index + within) / slices) * 100);
  return Math.max(previous, Math.min(value, 99));
}
