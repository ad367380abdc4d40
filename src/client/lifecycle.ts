/**
 * One-off lifecycle runs from a service or the CLI: delete one image (`deleteCustomImage`) or rotate a
 * region's images (`rotateImages`, a dry run unless asked). The work happens in the worker, which holds the
 * credentials and the shared rate limits; the input is validated here first, as the workflows do.
 */
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  DELETE_WORKFLOW_TYPE,
  ROTATE_WORKFLOW_TYPE,
  deleteWorkflowId,
  type DeleteCustomImageInput,
  type RotateImagesInput,
} from '../contract';
import { lifecycleProblems, validateDeleteInput, validateRotateInput } from '../workflows/lifecycle-validation';
import { InvalidScheduleError } from './schedules';

/** Bad lifecycle input, by field (same shape as a bad schedule). */
export class InvalidLifecycleInputError extends InvalidScheduleError {}

export interface LifecycleStartOptions {
  taskQueue: string;
  workflowId?: string;
}

/** Starts `deleteCustomImage` with the recommended id `cvm-image-delete/<region>/<imageId>` (one at a time). */
export async function startImageDeletion(
  client: Client,
  input: DeleteCustomImageInput,
  opts: LifecycleStartOptions,
): Promise<WorkflowHandle> {
  const problems = lifecycleProblems(() => validateDeleteInput(input));
  if (problems.length) throw new InvalidLifecycleInputError(problems);
  return client.workflow.start(DELETE_WORKFLOW_TYPE, {
    workflowId: opts.workflowId ?? deleteWorkflowId(input.region, input.imageId),
    taskQueue: opts.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'FAIL',
    staticSummary: `Delete image ${input.imageId} in ${input.region}${input.force ? ' (force)' : ''}`,
  });
}

/** Starts `rotateImages`; `dryRun` (the default here) only lists what would be deleted. */
export async function startRotation(
  client: Client,
  input: RotateImagesInput,
  opts: LifecycleStartOptions,
): Promise<WorkflowHandle> {
  const problems = lifecycleProblems(() => validateRotateInput(input));
  if (problems.length) throw new InvalidLifecycleInputError(problems);
  const scope = input.imageFamily ? `family ${input.imageFamily}` : 'every family';
  return client.workflow.start(ROTATE_WORKFLOW_TYPE, {
    workflowId: opts.workflowId ?? `cvm-image-rotate/${input.region}/${randomUUID()}`,
    taskQueue: opts.taskQueue,
    args: [input],
    staticSummary: `${input.dryRun ? 'Dry run: rotate' : 'Rotate'} images in ${input.region}: keep ${input.keep} (${scope})`,
  });
}
