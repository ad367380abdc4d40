/**
 * `imageInventory` from a service or the CLI: the project's images in a region with snapshot GB and an
 * estimated monthly cost. It runs as a short workflow, so the listing happens in the worker (which holds
 * the Tencent credentials and the shared rate limiter), never in the caller; the finished run is deleted.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { INVENTORY_WORKFLOW_TYPE, type ImageInventoryInput, type ImageInventoryResult } from '../contract';
import { lifecycleProblems, validateInventoryInput } from '../workflows/lifecycle-validation';
import { InvalidScheduleError } from './schedules';

/** Bad inventory input, by field (same shape as a bad schedule). */
export class InvalidInventoryError extends InvalidScheduleError {}

export async function imageInventory(
  client: Client,
  input: ImageInventoryInput,
  opts: { taskQueue: string },
): Promise<ImageInventoryResult> {
  const problems = lifecycleProblems(() => validateInventoryInput(input));
  if (problems.length) throw new InvalidInventoryError(problems);
  const workflowId = `cvm-image-inventory/${input.region}/${randomUUID()}`;
  const result: ImageInventoryResult = await client.workflow.execute(INVENTORY_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: opts.taskQueue,
    args: [input],
    staticSummary: `Image inventory and snapshot cost of ${input.region}`,
    // A listing that cannot finish soon (no worker polling) should not linger.
    workflowExecutionTimeout: '10m',
  });
  // A read-only listing: once answered, its run is removed so it does not crowd the workflow list.
  await client.workflowService
    .deleteWorkflowExecution({ namespace: client.options.namespace, workflowExecution: { workflowId } })
    .catch(() => undefined);
  return result;
}
