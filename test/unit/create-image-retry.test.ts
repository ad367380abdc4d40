/**
 * createImage looks for an image of its own run only when an earlier attempt may have made one (#15): not on a
 * first attempt, and not on a retry whose earlier attempts gave up in this worker's rate-limit queue before
 * sending anything. The SDK client is a stand-in that counts calls; the limiter and TencentApi are the real ones.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { imageActivities } from '../../src/activities/image';
import { Pollers } from '../../src/activities/pollers';
import { RateLimiter } from '../../src/activities/rate-limit';
import { ATTEMPT_MARGIN_MS, TencentApi } from '../../src/activities/tencent-api';
import type { TencentClients } from '../../src/cloud/clients';

function setup() {
  const calls: string[] = [];
  const cvm = {
    CreateImage: async () => (calls.push('CreateImage'), { ImageId: 'img-new' }),
    DescribeImages: async () => (calls.push('DescribeImages'), { ImageSet: [], TotalCount: 0 }),
  };
  const clients = { cvm: () => cvm, cbs: () => ({}), tat: () => ({}) } as unknown as TencentClients;
  const api = new TencentApi(clients, new RateLimiter({ limits: { CreateImage: 2 }, share: 0.5 }));
  const rt = { api, pollers: new Pollers(api.shared(), 1000), visibilityGraceMs: 1000, pollIntervalMs: 1000 };
  return { calls, api, activities: imageActivities(rt) };
}

// The SDK's "Activity failed" warning for the attempt this test makes fail goes to the captured console.
const logger = new DefaultLogger('WARN', ({ level, message }) => console.warn(level, message));

const ours = { workflowExecution: { workflowId: 'wf', runId: 'run' }, activityId: '5' };
const args = { region: 'ap-guangzhou', instanceId: 'ins-1', imageName: 'img', tags: {} };

describe('createImage lookups on a retry', () => {
  it('a retry not known to have sent nothing looks for its own image first (two DescribeImages)', async () => {
    const { calls, activities } = setup();
    const out = await new MockActivityEnvironment({ ...ours, attempt: 2 }).run(() => activities.createImage(args));
    expect(out).toEqual({ imageId: 'img-new', adopted: false });
    expect(calls).toEqual(['DescribeImages', 'DescribeImages', 'CreateImage']);
  });

  it('a retry after its first attempt expired in the CreateImage queue goes straight to CreateImage', async () => {
    const { calls, api, activities } = setup();
    // Another pipeline takes the only CreateImage token of the window.
    await new MockActivityEnvironment({ ...ours, activityId: '99' }).run(() =>
      api.cvm('ap-guangzhou', 'CreateImage', async () => 'theirs'),
    );
    const first = new MockActivityEnvironment(
      { ...ours, attempt: 1, startToCloseTimeoutMs: ATTEMPT_MARGIN_MS + 200 },
      { logger },
    );
    await expect(first.run(() => activities.createImage(args))).rejects.toThrow(/rate-limit queue outlasted/);
    expect(calls).toEqual([]);
    const retry = new MockActivityEnvironment({ ...ours, attempt: 2, startToCloseTimeoutMs: 60_000 });
    const out = await retry.run(() => activities.createImage(args)); // waits for the token to come back
    expect(out).toEqual({ imageId: 'img-new', adopted: false });
    expect(calls).toEqual(['CreateImage']);
  });
});
