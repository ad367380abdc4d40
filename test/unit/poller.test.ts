import { ApplicationFailure } from '@temporalio/common';
import { BatchPoller } from '../../src/activities/pollers';
import { NON_RETRYABLE } from '../../src/contract';

interface Thing {
  id: string;
  state: string;
}

/** A fake Describe*: every id reaches READY after `readyAfter` rounds; records each batch it is asked. */
function world(readyAfter: number, opts: { unknown?: Set<string>; failFirst?: number } = {}) {
  const batches: string[][] = [];
  let calls = 0;
  const describe = async (ids: string[]): Promise<Thing[]> => {
    calls++;
    batches.push(ids);
    if (opts.failFirst && calls <= opts.failFirst)
      throw ApplicationFailure.retryable('throttled', 'TencentTransientError');
    if (ids.some((id) => opts.unknown?.has(id)) && ids.length > 0) {
      throw ApplicationFailure.nonRetryable('no such thing', NON_RETRYABLE.notFound);
    }
    const round = batches.filter((b) => b.includes(ids[0])).length;
    return ids.map((id) => ({ id, state: round >= readyAfter ? 'READY' : 'BUSY' }));
  };
  return { describe, batches };
}

const ready = (id: string, r: Thing | undefined) =>
  r?.state === 'READY' ? { done: `${id} ready` } : r ? ({ wait: true } as const) : { fail: new Error(`${id} missing`) };

describe('BatchPoller', () => {
  it('serves 250 waiters with batches of at most 100 ids per round', async () => {
    const w = world(3);
    const poller = new BatchPoller<Thing>({ name: 't', describe: w.describe, idOf: (t) => t.id, intervalMs: 1 });
    const ids = Array.from({ length: 250 }, (_, i) => `x-${i}`);
    const results = await Promise.all(ids.map((id) => poller.wait({ id, decide: (r) => ready(id, r) })));
    expect(results).toEqual(ids.map((id) => `${id} ready`));
    expect(Math.max(...w.batches.map((b) => b.length))).toBe(100);
    // 3 batches a round, 3 rounds: calls grow with rounds, not with waiters.
    expect(w.batches).toHaveLength(9);
    expect(poller.waiting).toBe(0);
  });

  it('asks once per round for an id many waiters share', async () => {
    const w = world(2);
    const poller = new BatchPoller<Thing>({ name: 't', describe: w.describe, idOf: (t) => t.id, intervalMs: 1 });
    await Promise.all([1, 2, 3].map(() => poller.wait({ id: 'same', decide: (r) => ready('same', r) })));
    expect(w.batches).toEqual([['same'], ['same']]);
  });

  it('keeps waiting through transient Describe failures and heartbeats every round', async () => {
    const w = world(1, { failFirst: 2 });
    const poller = new BatchPoller<Thing>({ name: 't', describe: w.describe, idOf: (t) => t.id, intervalMs: 1 });
    let rounds = 0;
    await expect(poller.wait({ id: 'a', decide: (r) => ready('a', r), onRound: () => rounds++ })).resolves.toBe(
      'a ready',
    );
    expect(rounds).toBe(2); // the two failed rounds; the successful one settles it
  });

  it('isolates an unknown id instead of failing the whole batch', async () => {
    const w = world(1, { unknown: new Set(['ghost']) });
    const poller = new BatchPoller<Thing>({ name: 't', describe: w.describe, idOf: (t) => t.id, intervalMs: 1 });
    const good = poller.wait({ id: 'good', decide: (r) => ready('good', r) });
    const ghost = poller.wait({ id: 'ghost', decide: (r) => ready('ghost', r) });
    await expect(good).resolves.toBe('good ready');
    await expect(ghost).rejects.toThrow('ghost missing');
  });

  it('fails waiters on a non-retryable error that outlasts the budget, and leaves on abort', async () => {
    const poller = new BatchPoller<Thing>({
      name: 't',
      describe: async () => {
        throw ApplicationFailure.nonRetryable('bad key', NON_RETRYABLE.auth);
      },
      idOf: (t) => t.id,
      intervalMs: 1,
      refusalBudgetMs: 10,
    });
    await expect(poller.wait({ id: 'a', decide: () => ({ wait: true }) })).rejects.toThrow('bad key');

    const slow = new BatchPoller<Thing>({
      name: 't',
      describe: async (ids) => ids.map((id) => ({ id, state: 'BUSY' })),
      idOf: (t) => t.id,
      intervalMs: 5,
    });
    const ac = new AbortController();
    const waiting = slow.wait({ id: 'b', decide: () => ({ wait: true }), signal: ac.signal });
    ac.abort(new Error('cancelled by Temporal'));
    await expect(waiting).rejects.toThrow('cancelled by Temporal');
    expect(slow.waiting).toBe(0);
  });
});
