/**
 * Workflow type names and the ids runs and schedules get: the worker registers the workflows under these
 * names, and the client, the CLI, the Temporal CLI and other services start and find them by them.
 */
import type { RotateImagesInput } from './lifecycle';

export const WORKFLOW_TYPE = 'createCustomImage';
export const DELETE_WORKFLOW_TYPE = 'deleteCustomImage';
export const ROTATE_WORKFLOW_TYPE = 'rotateImages';
export const INVENTORY_WORKFLOW_TYPE = 'imageInventory';
export const REFRESH_WORKFLOW_TYPE = 'refreshCustomImage';
/** The janitor (workflows/reconcile-orphans.ts). */
export const RECONCILE_WORKFLOW_TYPE = 'reconcileOrphans';
/** Bake from a recipe (workflows/bake-image.ts). */
export const BAKE_WORKFLOW_TYPE = 'bakeImage';

/** Recommended workflow id: one pipeline per instance at a time (start with conflict policy FAIL). */
export function pipelineWorkflowId(region: string, instanceId: string): string {
  return `cvm-image/${region}/${instanceId}`;
}

/** One deletion per image at a time, whoever asks (a rotation's children, an operator): deterministic id. */
export function deleteWorkflowId(region: string, imageId: string): string {
  return `cvm-image-delete/${region}/${imageId}`;
}

/** Default schedule ids: one rotation per region and scope, one refresh per source instance. */
export function rotationScheduleId(input: Pick<RotateImagesInput, 'region' | 'imageFamily' | 'groupByTag'>): string {
  const scope = input.imageFamily
    ? `family-${input.imageFamily}`
    : input.groupByTag
      ? `tag-${input.groupByTag}`
      : 'all';
  return `cvm-image-rotate/${input.region}/${scope}`;
}

export function refreshScheduleId(region: string, instanceId: string): string {
  return `cvm-image-refresh/${region}/${instanceId}`;
}

/** One bake per image name and region at a time (start with conflict policy FAIL). */
export function bakeWorkflowId(region: string, imageName: string): string {
  return `cvm-image-bake/${region}/${imageName}`;
}
