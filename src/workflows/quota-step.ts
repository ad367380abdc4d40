/**
 * Step 3, the quota: count the region's custom images (seed caution: at most 10 by default). With
 * `rotateWhenFull`, a full quota first runs `rotateImages` as a child (this project's older images of
 * the same family, or without one only this pipeline's own images), then counts again; otherwise it ends the run before
 * anything is changed.
 */
import { ApplicationFailure, ParentClosePolicy, executeChild, workflowInfo } from '@temporalio/workflow';
import { NON_RETRYABLE, type QuotaReport } from '../contract';
import { calls, run } from './activity-proxies';
import { rotateImages } from './rotate-images';
import { failureType } from './stage-failure';
import type { PipelineRun } from './run-context';

export interface QuotaOutcome {
  report: QuotaReport;
  /** rotateWhenFull: the images the rotation deleted to make room. */
  rotatedImageIds?: string[];
}

export async function checkQuota({ input, tracker, warn }: PipelineRun): Promise<QuotaOutcome> {
  const check = () =>
    run(calls.checkImageQuota, `Check image quota and name "${input.imageName}" in ${input.region}`, [
      { region: input.region, imageName: input.imageName },
    ]);
  try {
    return { report: await check() };
  } catch (err) {
    if (!input.rotateWhenFull || failureType(err) !== NON_RETRYABLE.imageQuotaExceeded) throw err;
  }
  const { keep } = input.rotateWhenFull;
  // Without a family: only this pipeline's own images (same workflow id, i.e. same instance), never
  // other pipelines' (#13 item 6).
  const madeByWorkflowId = input.imageFamily ? undefined : workflowInfo().workflowId;
  const scope = input.imageFamily ? `family ${input.imageFamily}` : `images made by ${madeByWorkflowId}`;
  tracker.enter('rotating', `image quota full: keeping the newest ${keep} of ${scope} made by this project`);
  const rotation = await executeChild(rotateImages, {
    workflowId: `${workflowInfo().workflowId}/rotate-when-full`,
    args: [{ region: input.region, keep, imageFamily: input.imageFamily, madeByWorkflowId }],
    staticSummary: `Quota full: rotate ${input.region} (keep ${keep}, ${scope})`,
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  warn(
    `image quota of ${input.region} was full: rotation (keep ${keep}, ${scope}) deleted ` +
      `${rotation.deleted.length ? rotation.deleted.join(', ') : 'nothing'}`,
  );
  tracker.enter('checking-quota', `counting custom images in ${input.region} again after the rotation`);
  try {
    return { report: await check(), rotatedImageIds: rotation.deleted };
  } catch (err) {
    if (failureType(err) !== NON_RETRYABLE.imageQuotaExceeded) throw err;
    const cause = (err as { cause?: Error }).cause ?? (err as Error);
    throw ApplicationFailure.nonRetryable(
      `${cause.message} (rotateWhenFull kept the newest ${keep} of ${scope} and deleted ` +
        `${rotation.deleted.length} image(s): not enough; lower keep or delete other images)`,
      NON_RETRYABLE.imageQuotaExceeded,
      { rotatedImageIds: rotation.deleted },
    );
  }
}
