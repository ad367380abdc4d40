import { ACTIVITY_BUDGET_CLASS, BUDGET_CLASSES, budgetQueue } from '../../src/contract/budget';
import { CALLS_PER_TASK, dispatchRate, FleetMembership, LIVE_POLLER_WINDOW_MS } from '../../src/activities/fleet';
import { DOCUMENTED_LIMITS, RateLimiter } from '../../src/activities/rate-limit';
import { createActivities } from '../../src/activities';
import type { TencentClients } from '../../src/cloud/clients';

describe('fleet budget classes', () => {
  it('gives every rate-limited class a dispatch rate within half of each action it calls', () => {
    for (const cls of BUDGET_CLASSES.filter((c) => c !== 'wait')) {
      const rate = dispatchRate(cls)!;
      expect(rate).toBeGreaterThan(0);
      for (const [action, n] of Object.entries(CALLS_PER_TASK[cls as keyof typeof CALLS_PER_TASK]))
        expect(rate * n).toBeLessThanOrEqual(DOCUMENTED_LIMITS[action] / 2);
    }
    expect(dispatchRate('image')).toBe(5); // CreateImage: 10/s documented, half of it
    expect(dispatchRate('wait')).toBeUndefined();
  });

  it('routes activities that exist, and leaves only the multi-region and Temporal-only ones unrouted', () => {
    const names = Object.keys(createActivities({ clients: {} as TencentClients }));
    expect(Object.keys(ACTIVITY_BUDGET_CLASS).filter((n) => !names.includes(n))).toEqual([]);
    expect(names.filter((n) => !(n in ACTIVITY_BUDGET_CLASS)).sort()).toEqual(
      ['deleteImageCopies', 'findImagesInUse', 'findRunCopies', 'fleetRouting', 'waitForImageCopies'].sort(),
    );
  });

  it('names each class queue after the workflow queue, the class and the region', () => {
    expect(budgetQueue('cvm-image', 'image', 'ap-guangzhou')).toBe('cvm-image@image@ap-guangzhou');
    expect(ACTIVITY_BUDGET_CLASS.createImage).toBe('image');
  });
});

describe('RateLimiter per (action, region), shared by the fleet', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('keeps regions independent (Tencent counts per action and region)', async () => {
    const rl = new RateLimiter();
    for (let i = 0; i < 5; i++) await rl.acquire('CreateImage', undefined, 'ap-guangzhou');
    let other = false;
    void rl.acquire('CreateImage', undefined, 'ap-shanghai').then(() => (other = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(other).toBe(true);
  });

  it('takes 1/W of the budget when W workers serve the region, below one call a second too', async () => {
    let workers = 3;
    const rl = new RateLimiter({ workersIn: () => workers });
    expect(rl.allowance('DescribeImages', 'r')).toBeCloseTo(20 / 3);
    workers = 7; // 5 / 7 < 1: one call per 1.54 s
    const granted: number[] = [];
    const all = Array.from({ length: 4 }, () =>
      rl.acquire('CreateImage', undefined, 'r').then(() => granted.push(Date.now())),
    );
    await jest.advanceTimersByTimeAsync(10_000);
    await Promise.all(all);
    const gaps = granted.slice(1).map((t, i) => t - granted[i]);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(Math.floor((1100 * 7) / 5));
  });
});

describe('FleetMembership', () => {
  const now = 10_000_000;
  const poller = (identity: string, agoMs: number) => ({
    identity,
    lastAccessTime: { seconds: Math.floor((now - agoMs) / 1000) },
  });

  it('counts the distinct live identities polling the region, itself included, and keeps the count on errors', async () => {
    let fail = false;
    const service = {
      describeTaskQueue: async (req: { taskQueue: { name: string } }) => {
        if (fail) throw new Error('unavailable');
        expect(req.taskQueue.name).toBe('q@wait@r');
        return {
          pollers: [
            poller('a', 1000),
            poller('a', 2000),
            poller('b', 5000),
            poller('dead', LIVE_POLLER_WINDOW_MS + 5000),
          ],
        };
      },
    };
    const m = new FleetMembership(service, 'default', 'q', ['r'], 'me', () => now);
    expect(m.workersIn('r')).toBe(1);
    await m.refresh();
    expect(m.workersIn('r')).toBe(3); // a, b and this worker; not the one gone for minutes
    fail = true;
    await m.refresh();
    expect(m.workersIn('r')).toBe(3);
  });
});
