import { singleFlight } from '../../src/activities/quota';

describe('singleFlight (concurrent quota checks of a region share one read)', () => {
  it('gives callers of the same key one call while it is in flight, and starts anew afterwards', async () => {
    const calls: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const read = singleFlight(async (region: string) => {
      calls.push(region);
      await gate;
      return `${region}#${calls.length}`;
    });
    const burst = [read('ap-guangzhou'), read('ap-guangzhou'), read('ap-shanghai'), read('ap-guangzhou')];
    release();
    expect(await Promise.all(burst)).toEqual(['ap-guangzhou#2', 'ap-guangzhou#2', 'ap-shanghai#2', 'ap-guangzhou#2']);
    expect(calls).toEqual(['ap-guangzhou', 'ap-shanghai']);
    expect(await read('ap-guangzhou')).toBe('ap-guangzhou#3'); // a later check reads again
  });

  it('shares a failure with the callers that waited on it, then forgets it', async () => {
    let n = 0;
    const read = singleFlight(async () => {
      n++;
      if (n === 1) throw new Error('RequestLimitExceeded');
      return 'ok';
    });
    const results = await Promise.allSettled([read('r'), read('r')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(read('r')).resolves.toBe('ok');
  });
});
