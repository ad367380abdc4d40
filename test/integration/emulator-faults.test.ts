/** Fault rules (chaos API) and per-action rate limits, observed through the real SDK. */
import { errorCode, startTestEmulator, waitFor, type TestEmulator } from '../helpers/emulator';

const REGION = 'ap-guangzhou';
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());
beforeEach(() => emu.admin.reset());

const cvm = () => emu.clients.cvm(REGION);

describe('faults', () => {
  it('answers an injected error without applying the action, only in the matching region', async () => {
    const id = await emu.admin.createInstance({ state: 'STOPPED' });
    await emu.admin.faults({
      rules: [{ action: 'CreateImage', region: REGION, error: 'InternalError.TradeUnknownError' }],
    });
    expect(await errorCode(cvm().CreateImage({ ImageName: 'x', InstanceId: id }))).toBe(
      'InternalError.TradeUnknownError',
    );
    expect((await emu.admin.state()).images).toEqual([]);
    // Other actions are untouched.
    expect((await cvm().DescribeImageQuota()).ImageNumQuota).toBe(10);
  });

  it('commitThenDrop applies the action, then answers 5xx — a retry meets the duplicate', async () => {
    const id = await emu.admin.createInstance({ state: 'STOPPED' });
    await emu.admin.faults({ rules: [{ action: 'CreateImage', commitThenDrop: true, httpStatus: 503, count: 1 }] });
    expect(await errorCode(cvm().CreateImage({ ImageName: 'once', InstanceId: id }))).toBe('HTTP 503');
    const images = (await emu.admin.state()).images;
    expect(images.map((i) => i.name)).toEqual(['once']);
    expect(await errorCode(cvm().CreateImage({ ImageName: 'once', InstanceId: id }))).toBe(
      'InvalidImageName.Duplicate',
    );
  });

  it('commitThenDrop without a status closes the connection after applying', async () => {
    const id = await emu.admin.createInstance();
    await emu.admin.faults({ rules: [{ action: 'StopInstances', commitThenDrop: true }] });
    const err = await cvm()
      .StopInstances({ InstanceIds: [id] })
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(err?.message).toMatch(/socket hang up|ECONNRESET|other side closed/i);
    await emu.admin.clearFaults();
    const inst = (await cvm().DescribeInstances({ InstanceIds: [id] })).InstanceSet![0];
    expect(['STOPPING', 'STOPPED']).toContain(inst.InstanceState);
  });

  it('commitAfterTimeout: no answer (the client gives up), and the action lands lateMs later — after a retry', async () => {
    const id = await emu.admin.createInstance();
    await emu.admin.faults({ rules: [{ action: 'StopInstances', commitAfterTimeout: true, lateMs: 400, count: 1 }] });
    const code = await errorCode(cvm().StopInstances({ InstanceIds: [id] }));
    expect(code).not.toBe('InvalidInstanceId.NotFound');
    const state = async () => (await emu.admin.state()).instances.find((i) => i.id === id)!.state;
    expect(await state()).toBe('RUNNING'); // not applied yet: a retry here sees nothing to stop
    await waitFor(async () => ['STOPPING', 'STOPPED'].includes(await state()), { what: 'the late StopInstances' });
  });

  it('a bare httpStatus answers that status; probability 0 never fires; seeded draws repeat', async () => {
    await emu.admin.faults({ rules: [{ action: 'DescribeImages', httpStatus: 502 }] });
    expect(await errorCode(cvm().DescribeImages({}))).toBe('HTTP 502');
    await emu.admin.faults({ rules: [{ action: 'DescribeImages', httpStatus: 502, probability: 0 }] });
    expect((await cvm().DescribeImages({})).TotalCount).toBeGreaterThan(0);

    const pattern = async () => {
      await emu.admin.faults({
        seed: 7,
        rules: [{ action: 'DescribeImageQuota', probability: 0.5, error: 'InternalError' }],
      });
      const out: boolean[] = [];
      for (let i = 0; i < 8; i++)
        out.push(
          await cvm()
            .DescribeImageQuota()
            .then(
              () => true,
              () => false,
            ),
        );
      return out;
    };
    const a = await pattern();
    await emu.admin.config({ rateLimits: true }); // refill buckets between the two runs
    expect(await pattern()).toEqual(a);
    expect(a).toContain(true);
    expect(a).toContain(false);
  });

  it('latencyMs delays the answer (visible in the request order, not asserted on time)', async () => {
    await emu.admin.faults({ rules: [{ action: 'DescribeInstances', latencyMs: 300 }] });
    const order: string[] = [];
    await Promise.all([
      cvm()
        .DescribeInstances({})
        .then(() => order.push('slow')),
      new Promise((r) => setTimeout(r, 20)).then(() => cvm().DescribeImageQuota()).then(() => order.push('fast')),
    ]);
    expect(order).toEqual(['fast', 'slow']);
  });
});

describe('rate limits', () => {
  it('refuses DescribeImageQuota beyond 10 per second with RequestLimitExceeded; switchable off', async () => {
    const burst = (n: number) =>
      Promise.all(
        Array.from({ length: n }, () =>
          cvm()
            .DescribeImageQuota()
            .then(
              () => 'ok',
              (e: { code?: string }) => e.code,
            ),
        ),
      );
    const limited = await burst(15);
    expect(limited.filter((r) => r === 'ok').length).toBeLessThanOrEqual(11);
    expect(limited.filter((r) => r === 'RequestLimitExceeded').length).toBeGreaterThanOrEqual(4);
    await emu.admin.config({ rateLimits: false });
    expect((await burst(30)).every((r) => r === 'ok')).toBe(true);
    await emu.admin.config({ rateLimits: true });
  });

  it('counts requests per action and region and reports settle times', async () => {
    const id = await emu.admin.createInstance({ state: 'STOPPED' });
    await cvm().DescribeInstances({});
    await emu.clients.cvm('ap-shanghai').DescribeInstances({});
    const { ImageId } = await cvm().CreateImage({ ImageName: 'timed', InstanceId: id });
    await waitFor(
      async () => (await cvm().DescribeImages({ ImageIds: [ImageId!] })).ImageSet![0].ImageState === 'NORMAL',
    );
    const stats = await emu.admin.requests();
    expect(stats.counts.DescribeInstances).toEqual({ 'ap-guangzhou': 1, 'ap-shanghai': 1 });
    expect(stats.counts.CreateImage).toEqual({ 'ap-guangzhou': 1 });
    expect(stats.peakRps.DescribeImages).toBeGreaterThanOrEqual(1);
    const settled = stats.settled.find((e) => e.id === ImageId);
    expect(settled).toMatchObject({ kind: 'image', state: 'NORMAL' });
    const img = (await emu.admin.state()).images.find((i) => i.id === ImageId)!;
    expect(settled!.at).toBeGreaterThan(Date.parse(img.createdTime));
  });
});
