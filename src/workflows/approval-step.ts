/**
 * Step 4: a shutdown that needs a person's approval waits for it before anything changes; no answer within
 * the timeout, or a rejection, ends the run with nothing changed. The wait may last hours, so the instance
 * is read again afterwards: a stop made meanwhile is someone else's (#13 item 9).
 */
import { ApplicationFailure, patched } from '@temporalio/workflow';
import { WORKFLOW_FAILURES } from '../contract';
import { waits, run, within } from './activity-proxies';
import type { ShutdownApproval } from './approval';
import { decideShutdown } from './decisions';
import { formatDuration } from './durations';
import { planGuestPrep } from './fstab-step';
import type { PipelineRun } from './run-context';

/** What the run does next: on whom, whether the guest is prepared, whether the instance is stopped. */
export interface StopPlan {
  pipeline: PipelineRun;
  guestPrep: boolean;
  stop: boolean;
}

export async function awaitShutdownApproval(
  plan: StopPlan,
  reason: string,
  approval: ShutdownApproval,
): Promise<StopPlan> {
  const { input, where, tracker, warn } = plan.pipeline;
  const timeout = formatDuration(input.approval.timeoutMs);
  tracker.enter(
    'awaiting-approval',
    `shutdown needs approval (${reason})`,
    `approveShutdown or rejectShutdown within ${timeout}`,
  );
  const outcome = await approval.request(input.approval.timeoutMs);
  if (!outcome)
    throw ApplicationFailure.nonRetryable(
      `nobody approved the shutdown of ${input.instanceId} within ${timeout}; nothing was changed`,
      WORKFLOW_FAILURES.approvalTimedOut,
    );
  if (!outcome.approved)
    throw ApplicationFailure.nonRetryable(
      `the shutdown of ${input.instanceId} was rejected: ${outcome.reason}; nothing was changed`,
      WORKFLOW_FAILURES.shutdownRejected,
      { reason: outcome.reason },
    );
  if (!patched('reinspect-after-approval')) return plan;
  const now = await run(
    waits.inspectInstance,
    `Inspect instance ${input.instanceId} again after the approval`,
    [where],
    within(input.timeoutsMs.instance),
  );
  if (now.state === plan.pipeline.instance.state) return plan;
  warn(
    `instance ${input.instanceId} became ${now.state} during the approval wait; this run did not stop it and will not start it`,
  );
  const pipeline = { ...plan.pipeline, instance: now };
  const again = decideShutdown(input.shutdown, now);
  return { pipeline, guestPrep: planGuestPrep(pipeline), stop: 'stop' in again && again.stop };
}
