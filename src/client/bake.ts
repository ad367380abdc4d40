/**
 * Starting and following `bakeImage` runs (docs/recipes.md): what `cvm-image bake` and other services use.
 * The recipe is validated here first, with the workflow's own validator: a bad one starts nothing.
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { taskQueueFromEnv } from '../temporal/connection';
import {
  BAKE_WORKFLOW_TYPE,
  CvmRegion,
  bakeProgressQuery,
  bakeWorkflowId,
  type BakeImageResult,
  type BakeProgress,
  type Recipe,
} from '../contract';
import { validateRecipe } from '../workflows/recipe-validation';
import { PipelineAlreadyRunningError, type StartOptions, type StartedPipeline } from './pipeline-client';

export { parseRecipe, readRecipe, recipeJsonSchema } from './recipe-file';
export { validateRecipe } from '../workflows/recipe-validation';

/** Starts a bake; the default id `cvm-image-bake/<region>/<image name>` allows one bake per image name. */
export async function startBake(temporal: Client, recipe: Recipe, opts: StartOptions = {}): Promise<StartedPipeline> {
  validateRecipe(recipe);
  const workflowId = opts.workflowId ?? bakeWorkflowId(recipe.region, recipe.image.name);
  try {
    const handle = await temporal.workflow.start(BAKE_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: opts.taskQueue ?? taskQueueFromEnv(),
      args: [recipe],
      workflowIdConflictPolicy: 'FAIL',
      staticSummary: `Bake "${recipe.image.name}" in ${recipe.region} from ${recipe.baseImage.imageId ?? recipe.baseImage.osName}`,
      typedSearchAttributes: [{ key: CvmRegion, value: recipe.region }],
    });
    return { workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const running = await temporal.workflow
      .getHandle(workflowId)
      .describe()
      .catch(() => undefined);
    throw new PipelineAlreadyRunningError(workflowId, running?.runId, running?.startTime);
  }
}

export function bakeProgress(temporal: Client, workflowId: string): Promise<BakeProgress> {
  return temporal.workflow.getHandle(workflowId).query(bakeProgressQuery);
}

export function bakeResult(temporal: Client, workflowId: string): Promise<BakeImageResult> {
  return temporal.workflow.getHandle(workflowId).result() as Promise<BakeImageResult>;
}
