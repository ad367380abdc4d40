/**
 * #13 item 1: one bad answer to a shared Describe* must not fail every waiter of the region. A refusal of
 * the whole request (a signature that expired in flight, throttling, an internal error) is ridden out for
 * a budget; a refusal that concerns one id fails that id's waiter only.
 */
import { ApplicationFailure } from '@temporalio/common';
import { BatchPoller } from '../../src/activities/pollers';
import { NON_RETRYABLE } from '../../src/contract';

interface Thing {
  id: string;
  state: string;
}

const ready = (id: string, r: Thing | undefined) =>
  r?.state === 'READY' ? { done: `${id} ready` } : r ? ({ wait: true } as const) : { fail: new Error(`${id} missing`) };

const signatureExpired = () =>
  ApplicationFailure.nonRetryable('DescribeImages failed: AuthFailure.SignatureExpire', NON_RETRYABLE.auth);

describe('BatchPoller isolates failures', () => {
  it('rides out one request-level refusal (AuthFailure.SignatureExpire): every waiter still succeeds', async () => {
    let calls = 0;
    const poller = new BatchPoller<Thing>({
      name: 't',
      describe: async (ids) => {
        if (++calls === 1) throw signatureExpired();
        return ids.map((id) => ({ id, state: 'READY' }));
      },
      idOf: (t) => t.id,
      intervalMs: 1,
    });
    const ids = ['img-a', 'img-b', 'img-c'];
    await expect(Promise.all(ids.map((id) => poller.wait({ id, decide: (r) => ready(id, r) })))).resolves.toEqual(
      ids.map((id) => `${id} ready`),
    );
    expect(calls).toBe(2);
  });

  it('fails the waiters once a request-level refusal lasts beyond the budget', async () => {
    let calls = 0;
    const poller = new BatchPoller<Thing>({
      name: 't',
      describe: async () => {
        calls++;
        throw ApplicationFailure.nonRetryable('bad key', NON_RETRYABLE.auth);
      },
      idOf: (t) => t.id,
      intervalMs: 5,
      refusalBudgetMs: 40,
    });
    const started = Date.now();
    await expect(poller.wait({ id: 'a', decide: () => ({ wait: true }) })).rejects.toThrow('bad key');
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(calls).toBeGreaterThan(1);
  });

  it('a malformed id deep inside a batch fails only its own waiter', async () => {
    const poller = new BatchPoller<Thing>({
      name: 't',
      describe: async (ids) => {
        if (ids.includes('bad-id'))
          throw ApplicationFailure.nonRetryable('InvalidImageId.Malformed', NON_RETRYABLE.invalidRequest);
        return ids.map((id) => ({ id, state: 'READY' }));
      },
      idOf: (t) => t.id,
      intervalMs: 1,
    });
    const ids = ['a', 'b', 'c', 'bad-id', 'd', 'e', 'f'];
    const outcomes = await Promise.allSettled(ids.map((id) => poller.wait({ id, decide: (r) => ready(id, r) })));
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
  });
});
