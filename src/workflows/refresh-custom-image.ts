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
  CvmInstanceId,
  CvmPipelineStage,
  CvmRegion,
  pipelineWorkflowId,
} from '../contract';
import { validateRefreshInput } from './lifecycle-validation';
import { validateInput } from './validation';

/** Set by Temporal on every workflow a schedule starts. */
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export async function refreshCustomImage(raw: RefreshCustomImageInput): Promise<RefreshCustomImageResult> {
  const { pipeline } = validateRefreshInput(raw);
  const info = workflowInfo();
  const at = info.typedSearchAttributes.get(ScheduledStartTime) ?? info.runStartTime;
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
