import type { Image } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import { duplicateName } from '../../src/activities/image';
import { TAG_RUN_ID, TAG_WORKFLOW_ID } from '../../src/contract';

const ref = { workflowId: 'cvm-image/ap-guangzhou/ins-1a2b3c4d', runId: 'run-2' };
const image = (id: string, workflowId?: string, runId?: string): Image =>
  ({
    ImageId: id,
    ImageName: 'web',
    Tags: workflowId
      ? [
          { Key: TAG_WORKFLOW_ID, Value: workflowId },
          { Key: TAG_RUN_ID, Value: runId },
        ]
      : [],
  }) as Image;

describe('a duplicate image name says who made the image that holds it', () => {
  it('names an earlier run of the same workflow id, another pipeline, or someone else', () => {
    const failure = duplicateName(
      'web',
      [
        image('img-1', ref.workflowId, 'run-1'),
        image('img-2', 'cvm-image/ap-guangzhou/ins-9', 'run-9'),
        image('img-3'),
      ],
      ref,
    );
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('img-1, made by an earlier run (run-1) of this workflow id');
    expect(failure.message).toContain('img-2, made by pipeline cvm-image/ap-guangzhou/ins-9 (run run-9)');
    expect(failure.message).toContain('img-3, not made by this pipeline');
    expect(failure.message).toContain('choose another imageName, or delete that image first');
    expect(failure.details).toEqual([{ imageName: 'web', imageIds: ['img-1', 'img-2', 'img-3'] }]);
  });
});
