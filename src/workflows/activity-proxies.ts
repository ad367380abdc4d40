/**
 * The activities as the workflow calls them, grouped by behaviour: short API calls, long waits (the
 * worker's pollers do the waiting; the activity heartbeats), and compensations (generous retries).
 * Mutating calls wait for cancellation to complete, so an undo never races the call it undoes.
 */
import { ActivityCancellationType, type ActivityOptions } from '@temporalio/workflow';
import type { PipelineActivities } from '../activities';
import { NON_RETRYABLE, NON_RETRYABLE_ERROR_TYPES } from '../contract';
import { routedToBudgetQueues } from './budget-routing';

export const calls = routedToBudgetQueues<PipelineActivities>({
  startToCloseTimeout: '60s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 10,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});

/** Each call sets `scheduleToCloseTimeout` to its stage's bound (retries included). */
export const waits = routedToBudgetQueues<PipelineActivities>({
  startToCloseTimeout: '2h',
  heartbeatTimeout: '30s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});

/**
 * Undo steps, also used on the normal path (restart, fstab restore), where a cancel must not race them.
 * They outlast a credential problem (#19 item 7): keys rotated or a policy briefly detached mid-run must
 * not leave an image, a stopped instance or an edited fstab after one attempt, so AuthFailure /
 * UnauthorizedOperation are retried here, with backoff, for about half an hour (30 attempts, ≤ 60 s apart).
 */
export const undo = routedToBudgetQueues<PipelineActivities>({
  startToCloseTimeout: '2h',
  heartbeatTimeout: '30s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '60s',
    maximumAttempts: 30,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES.filter((t) => t !== NON_RETRYABLE.auth),
  },
});

type Callable<A extends unknown[], R> = {
  executeWithOptions(options: ActivityOptions, args: A): Promise<R>;
};

/** Every activity call carries a one-line summary for the Temporal UI. */
export function run<A extends unknown[], R>(
  fn: Callable<A, R>,
  summary: string,
  args: A,
  options: Omit<ActivityOptions, 'summary'> = {},
): Promise<R> {
  return fn.executeWithOptions({ ...options, summary }, args);
}

/** Options for a long wait bounded by a stage timeout. */
export const within = (ms: number): Omit<ActivityOptions, 'summary'> => ({
  scheduleToCloseTimeout: ms,
  startToCloseTimeout: ms,
});
