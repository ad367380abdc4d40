import { MockActivityEnvironment } from '@temporalio/testing';
import { Context } from '@temporalio/activity';
import { queuePriority } from '../../src/activities/tencent-api';
import { imageCallPriority } from '../../src/workflows/call-priority';

const none = { restart: false, snapshots: false, launch: false, terminate: false };

describe('CreateImage order: most cloud work after the image first (#15)', () => {
  it("ranks the bench fleet's four kinds 1 < 2 < 3 < 4 and a bare image last", () => {
    const key = (w: Partial<typeof none>) => imageCallPriority({ ...none, ...w }).priorityKey;
    expect(key({ snapshots: true, launch: true, terminate: true })).toBe(1); // online, launched, terminated
    expect(key({ restart: true, snapshots: true })).toBe(2); // stopped for the image, started again
    expect(key({ snapshots: true })).toBe(3); // online with a data disk
    expect(key({ launch: true })).toBe(4); // already stopped, launch kept
    expect(key({})).toBe(5);
  });

  it("the worker's queue orders by the activity's priority key, then by when it was first scheduled", async () => {
    const place = (priorityKey: number | undefined, scheduledTimestampMs: number): Promise<number> =>
      new MockActivityEnvironment({
        scheduledTimestampMs,
        ...(priorityKey ? { priority: { priorityKey } } : {}),
      }).run(async () => queuePriority(Context.current())) as Promise<number>;
    const early = 1_764_550_000_000;
    const late = early + 60_000;
    const places = await Promise.all([place(1, late), place(2, early), place(undefined, early), place(3, late)]);
    expect(places[0]).toBeLessThan(places[1]); // key 1 scheduled late goes before key 2 scheduled early
    expect(places[1]).toBeLessThan(places[2]); // unset is the default key 3
    expect(places[2]).toBeLessThan(places[3]); // same key: scheduled first goes first
  });
});
