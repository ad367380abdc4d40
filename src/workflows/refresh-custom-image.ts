/**
 * `refreshCustomImage`: what a refresh schedule starts. A schedule's input is fixed, and image names
 * are unique per region, so each run names its image "<prefix>-YYYYMMDD-HHMMSS" (UTC, from the scheduled
 * time) and runs `createCustomImage` as a child under the pipeline's recommended id: one pipeline per
 * instance at a time, visible to `cvm-image list/status` like any other.
 */
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { ParentClosePolicy, executeChild, workflowInfo } from '@temporalio/workflow';
import { createCustomImage } from './create-custom-image';
import {
  refreshSuffix,
  type RefreshCustomImageInput,
  type RefreshCustomImageResult,
  type RefreshFromRecipeInput,
  type Recipe,
  BAKE_WORKFLOW_TYPE,
  bakeWorkflowId,
  CvmInstanceId,
  CvmPipelineStage,
  CvmRegion,
  pipelineWorkflowId,
} from '../contract';
import { validateRefreshInput } from './lifecycle-validation';
import { validateRecipe } from './recipe-validation';
import type { bakeImage } from './bake-image';
import { validateInput } from './validation';

/** Set by Temporal on every workflow a schedule starts. */
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export async function refreshCustomImage(
  raw: RefreshCustomImageInput | RefreshFromRecipeInput,
): Promise<RefreshCustomImageResult> {
  const valid = validateRefreshInput(raw);
  const info = workflowInfo();
  const at = info.typedSearchAttributes.get(ScheduledStartTime) ?? info.runStartTime;
  // From a recipe (#18): rebuilt from scratch by bakeImage. A new input shape, so runs of the pipeline
  // shape replay as before.
  if ('recipe' in valid) return refreshFromRecipe(valid.recipe, at);
  const { pipeline } = valid;
  const input = { ...pipeline, imageName: `${pipeline.imageName}${refreshSuffix(at)}` };
  validateInput(input); // the whole input with its final name, before a child is started
  const workflowId = pipelineWorkflowId(input.region, input.instanceId);
  const result = await executeChild(createCustomImage, {
    workflowId,
    args: [input],
    // Terminating the refresh must not strand the source: the pipeline is cancelled and compensates
    // (the default, TERMINATE, would leave it stopped with its fstab edited: #13 item 2).
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    staticSummary: `Scheduled refresh: image \`${input.imageName}\` from ${input.instanceId} in ${input.region}`,
    typedSearchAttributes: [
      { key: CvmRegion, value: input.region },
      { key: CvmInstanceId, value: input.instanceId },
      { key: CvmPipelineStage, value: 'queued' },
    ],
  });
  return { imageName: input.imageName, workflowId, result };
}

async function refreshFromRecipe(raw: Recipe, at: Date): Promise<RefreshCustomImageResult> {
  const recipe = validateRecipe({ ...raw, image: { ...raw.image, name: `${raw.image.name}${refreshSuffix(at)}` } });
  const workflowId = bakeWorkflowId(recipe.region, recipe.image.name);
  const bake = await executeChild<typeof bakeImage>(BAKE_WORKFLOW_TYPE, {
    workflowId,
    args: [recipe],
    // Terminating the refresh cancels the bake, which terminates its builder and undoes its image.
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    staticSummary: `Scheduled rebuild: image \`${recipe.image.name}\` baked from a recipe in ${recipe.region}`,
    typedSearchAttributes: [{ key: CvmRegion, value: recipe.region }],
  });
  return { imageName: recipe.image.name, workflowId, result: bake.image!, bake };
}
