/**
 * The order in which a fleet's CreateImage calls should pass Tencent's per-(action, region) limit: the
 * pipelines with the most cloud work still to do after their image first (docs/bench.md "The lower bound":
 * with one limit binding, the shortest fleet makespan serves the longest tails first; first come, first
 * served costs up to a quarter more at N = 1,000). Carried as the activity's Temporal priority, so the server
 * orders a backlogged budget queue by it (fleet mode) and the worker's rate-limit queue does too
 * (src/activities/tencent-api.ts). Only an order: any order is correct, none is assumed by anything else.
 */
import type { Priority } from '@temporalio/common';

export interface WorkAfterImage {
  /** This run stopped the instance: it starts it again after the image. */
  restart: boolean;
  /** Data disks travel as snapshots, taken after the image. */
  snapshots: boolean;
  launch: boolean;
  /** The launched instance is terminated after the check. */
  terminate: boolean;
}

/**
 * Rough relative weights of the cloud operations after the image (a snapshot of a data disk takes longest,
 * a launch less, a start or a terminate least); Tencent documents no durations, so these rank, they do not
 * predict.
 */
const WEIGHT = { snapshots: 3, launch: 1, restart: 0.5, terminate: 0.5 } as const;

/** Temporal priority keys run 1 (first) to 5 (last); 3 is the default of every other activity. */
export function imageCallPriority(work: WorkAfterImage): Priority {
  const weight = (Object.keys(WEIGHT) as (keyof WorkAfterImage)[]).reduce(
    (sum, k) => sum + (work[k] ? WEIGHT[k] : 0),
    0,
  );
  const priorityKey = weight >= 4 ? 1 : weight >= 3.25 ? 2 : weight >= 2 ? 3 : weight >= 0.75 ? 4 : 5;
  return { priorityKey };
}
