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
