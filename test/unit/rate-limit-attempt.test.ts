/**
 * An activity attempt stops queueing for the rate limiter before its start-to-close timeout: found by the
 * benchmark at N = 1,000, where timed-out attempts kept their places in the queue and the burst never drained.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { RateLimiter } from '../../src/activities/rate-limit';
import { ATTEMPT_MARGIN_MS, TencentApi } from '../../src/activities/tencent-api';
import { RETRYABLE_TENCENT_ERROR } from '../../src/contract';
import type { TencentClients } from '../../src/cloud/clients';

const clients = { cvm: () => ({}), cbs: () => ({}), tat: () => ({}) } as unknown as TencentClients;
/** One CreateImage call per window, so a second caller must queue for about a second. */
const oneAtATime = () => new RateLimiter({ limits: { CreateImage: 2 }, share: 0.5 });

describe('TencentApi inside an activity attempt', () => {
  it('gives up its place in the rate-limit queue before the attempt times out, as a retryable failure', async () => {
    const api = new TencentApi(clients, oneAtATime());
    const env = new MockActivityEnvironment({ startToCloseTimeoutMs: ATTEMPT_MARGIN_MS + 300 });
    const outcome = await env.run(async () => {
      await api.cvm('ap-guangzhou', 'CreateImage', async () => 'first');
      return api.cvm('ap-guangzhou', 'CreateImage', async () => 'second').catch((err: unknown) => err);
    });
    expect(outcome).toBeInstanceOf(ApplicationFailure);
    expect(outcome).toMatchObject({ type: RETRYABLE_TENCENT_ERROR, nonRetryable: false });
    expect((outcome as Error).message).toMatch(/^CreateImage: the client-side rate-limit queue outlasted this attempt/);
  });

  it('leaves the shared pollers and calls outside activities unbounded: they wait their turn', async () => {
    const api = new TencentApi(clients, oneAtATime());
    const env = new MockActivityEnvironment({ startToCloseTimeoutMs: ATTEMPT_MARGIN_MS + 300 });
    const shared = api.shared();
    const got = await env.run(async () => {
      await shared.cvm('ap-guangzhou', 'CreateImage', async () => 'first');
      return shared.cvm('ap-guangzhou', 'CreateImage', async () => 'second');
    });
    expect(got).toBe('second');
    await expect(api.cvm('ap-guangzhou', 'CreateImage', async () => 'outside')).resolves.toBe('outside');
  });

  it('a cancelled attempt leaves the queue with its cancellation, not a retryable failure', async () => {
    const api = new TencentApi(clients, oneAtATime());
    const env = new MockActivityEnvironment({ startToCloseTimeoutMs: 60_000 });
    const outcome = env.run(async () => {
      await api.cvm('ap-guangzhou', 'CreateImage', async () => 'first');
      return api.cvm('ap-guangzhou', 'CreateImage', async () => 'second').catch((err: unknown) => err);
    });
    setTimeout(() => env.cancel('CANCELLED'), 50);
    const err = await outcome;
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect(String(err)).toMatch(/CANCELLED|cancel/i);
  });
});

describe('a retry after the queue outlasted its attempt (#15)', () => {
  const execution = { workflowExecution: { workflowId: 'wf', runId: 'run' }, activityId: '7' };
  const expireInQueue = (api: TencentApi, attempt: number, sendFirst?: string) =>
    new MockActivityEnvironment({ ...execution, attempt, startToCloseTimeoutMs: ATTEMPT_MARGIN_MS + 300 }).run(
      async () => {
        if (sendFirst) await api.cvm('ap-guangzhou', sendFirst, async () => 'sent');
        await api.cvm('ap-guangzhou', 'CreateImage', async () => 'first'); // takes the only token
        return api.cvm('ap-guangzhou', 'CreateImage', async () => 'second').catch((err: unknown) => err);
      },
    );
  const nothingSentBefore = (api: TencentApi, attempt: number, info = execution) =>
    new MockActivityEnvironment({ ...info, attempt }).run(async () => api.nothingSentBefore());

  it('knows nothing was sent when every earlier attempt gave up in the queue before any mutation', async () => {
    const limiter = new RateLimiter({ limits: { CreateImage: 2, DescribeImages: 2 }, share: 0.5 });
    const api = new TencentApi(clients, limiter);
    expect(await nothingSentBefore(api, 1)).toBe(true); // a first attempt
    expect(await nothingSentBefore(api, 2)).toBe(false); // attempt 1 unknown here: it may have sent
    // Attempt 1 sent its CreateImage ("first"), then queued for a second one and gave up: not nothing.
    expect(await expireInQueue(api, 1)).toBeInstanceOf(ApplicationFailure);
    expect(await nothingSentBefore(api, 2)).toBe(false);
  });

  it('a lookup-only attempt that expired counts as nothing sent; another execution does not', async () => {
    const limiter = new RateLimiter({ limits: { DescribeImages: 2 }, share: 0.5 });
    const api = new TencentApi(clients, limiter);
    const lookups = (attempt: number) =>
      new MockActivityEnvironment({ ...execution, attempt, startToCloseTimeoutMs: ATTEMPT_MARGIN_MS + 300 }).run(
        async () => {
          await api.cvm('ap-guangzhou', 'DescribeImages', async () => 'page 1');
          return api.cvm('ap-guangzhou', 'DescribeImages', async () => 'page 2').catch((err: unknown) => err);
        },
      );
    expect(await lookups(1)).toBeInstanceOf(ApplicationFailure);
    await new Promise((r) => setTimeout(r, 1200)); // the token comes back
    expect(await lookups(2)).toBeInstanceOf(ApplicationFailure);
    expect(await nothingSentBefore(api, 3)).toBe(true);
    expect(await nothingSentBefore(api.shared(), 3)).toBe(true); // one registry per worker
    expect(await nothingSentBefore(api, 3, { ...execution, activityId: '8' })).toBe(false);
    expect(await nothingSentBefore(api, 4)).toBe(false); // attempt 3 ran elsewhere (or sent): unknown
  });
});
