import { DOCUMENTED_LIMITS, RateLimiter } from '../../src/activities/rate-limit';

describe('RateLimiter (per action, half the documented limit)', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('allows half of each documented limit', () => {
    const rl = new RateLimiter();
    expect(rl.allowance('DescribeImages')).toBe(DOCUMENTED_LIMITS.DescribeImages / 2);
    expect(rl.allowance('CreateImage')).toBe(5);
    expect(rl.allowance('SomeUnlistedAction')).toBe(5);
  });

  it('never grants more than the allowance in any rolling second', async () => {
    const rl = new RateLimiter();
    const granted: number[] = [];
    const all = Array.from({ length: 23 }, () => rl.acquire('CreateImage').then(() => granted.push(Date.now())));
    await jest.advanceTimersByTimeAsync(10_000);
    await Promise.all(all);
    expect(granted).toHaveLength(23);
    for (const t of granted) expect(granted.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(5);
    // The first five go at once, the rest wait their turn.
    expect(granted.filter((t) => t === 1_000_000)).toHaveLength(5);
  });

  it('keeps actions independent', async () => {
    const rl = new RateLimiter();
    for (let i = 0; i < 5; i++) await rl.acquire('CreateImage');
    let described = false;
    void rl.acquire('DescribeImages').then(() => (described = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(described).toBe(true);
  });

  it('lets a waiting caller leave when its signal aborts', async () => {
    const rl = new RateLimiter({ limits: { X: 2 } });
    await rl.acquire('X');
    const ac = new AbortController();
    const waiting = rl.acquire('X', ac.signal);
    const outcome = waiting.then(
      () => 'granted',
      (e) => `rejected: ${(e as Error).message}`,
    );
    ac.abort(new Error('cancelled'));
    await jest.advanceTimersByTimeAsync(2000);
    expect(await outcome).toBe('rejected: cancelled');
    // The next caller is not blocked by the one that left.
    await expect(Promise.all([rl.acquire('X'), jest.advanceTimersByTimeAsync(1000)])).resolves.toBeDefined();
  });
});

describe('RateLimiter order (#15)', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('serves the earliest priority first (a retry keeps the place its activity was first scheduled at)', async () => {
    const rl = new RateLimiter({ limits: { X: 2 } }); // one call per window
    await rl.acquire('X', undefined, 'r');
    const order: string[] = [];
    const late = rl.acquire('X', undefined, 'r', 2_000).then(() => order.push('scheduled at 2000'));
    const early = rl.acquire('X', undefined, 'r', 1_000).then(() => order.push('scheduled at 1000'));
    const now = rl.acquire('X', undefined, 'r').then(() => order.push('now'));
    expect(rl.waiting('X', 'r')).toBe(3);
    expect(rl.waiting('X', 'elsewhere')).toBe(0);
    await jest.advanceTimersByTimeAsync(5_000);
    await Promise.all([late, early, now]);
    // "now" (the default priority) is later than both: it goes last although it did not arrive last.
    expect(order).toEqual(['scheduled at 1000', 'scheduled at 2000', 'now']);
  });
});
