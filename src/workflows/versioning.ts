/**
 * Worker Versioning (docs/deploy.md): long runs are pinned to the build they started on. The server refuses
 * a versioning behaviour from an unversioned worker, so it is set only when the worker runs in a
 * deployment (CVM_IMAGE_BUILD_ID set; tests and `npm start` run unversioned).
 */
import type { WorkflowDefinitionOptions } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';

export function pinnedWhenVersioned(): WorkflowDefinitionOptions {
  return workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: 'PINNED' } : {};
}
