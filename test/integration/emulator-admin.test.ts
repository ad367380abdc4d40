/** The `/_emulator/` control surface: validation, reset, config; and session tokens through the SDK. */
import { createTencentClients } from '../../src/cloud/clients';
import { errorCode, startTestEmulator, type TestEmulator } from '../helpers/emulator';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());

async function raw(method: string, path: string, body?: string) {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method,
    body,
    headers: { Authorization: `Bearer ${emu.adminToken}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

it('POST instances validates its body, naming the field', async () => {
  const bad = await raw('POST', 'instances', JSON.stringify({ state: 'EXPLODED' }));
  expect(bad.status).toBe(400);
  expect(String(bad.json.error)).toContain('state');
  const unknown = await raw('POST', 'instances', JSON.stringify({ colour: 'red' }));
  expect(unknown.status).toBe(400);
  expect(String(unknown.json.error)).toContain('colour');
  const zone = await raw('POST', 'instances', JSON.stringify({ zone: 'ap-shanghai-1' }));
  expect(zone.status).toBe(400);
  expect(String(zone.json.error)).toContain('zone');
  expect((await raw('POST', 'instances', '{not json')).status).toBe(400);
});

it('answers 404 for unknown admin routes and reports config', async () => {
  expect((await raw('GET', 'nothing-here')).status).toBe(404);
  const cfg = await raw('GET', 'config');
  expect(cfg.json).toMatchObject({
    rateLimits: true,
    imageQuota: { default: 10 },
    credentials: 1,
  });
  expect((await raw('POST', 'config', JSON.stringify({ durations: { imageCreateMs: -1 } }))).status).toBe(400);
});

it('POST reset empties every resource and the request counters', async () => {
  await emu.admin.createInstance();
  await emu.clients.cvm('ap-guangzhou').DescribeInstances({});
  await emu.admin.reset();
  const state = await emu.admin.state();
  expect([state.instances, state.disks, state.images, state.snapshots, state.tasks]).toEqual([[], [], [], [], []]);
  expect((await emu.admin.requests()).total).toBe(0);
});

it('accepts SDK calls carrying a session token (X-TC-Token)', async () => {
  const withToken = createTencentClients({
    endpoint: emu.url,
    credential: { ...emu.credential, token: 'session-token' },
  });
  expect((await withToken.cvm('ap-guangzhou').DescribeImageQuota()).ImageNumQuota).toBe(10);
});

it('refuses InstanceIds together with Filters in DescribeInstances with a documented code', async () => {
  expect(
    await errorCode(
      emu.clients
        .cvm('ap-guangzhou')
        .DescribeInstances({ InstanceIds: ['ins-00000000'], Filters: [{ Name: 'zone', Values: ['x'] }] }),
    ),
  ).toBe('InvalidParameter');
});

it('keeps idle connections open longer than Node clients do, so a reused socket is never closed under a request', async () => {
  // Node ≥ 19 clients (the SDK's fetch) keep sockets alive and drop them after 5 s idle; a server that also
  // closes at 5 s races them and the SDK sees "socket hang up" on mutating calls.
  const res = await fetch(`${emu.url}/_emulator/health`);
  await res.json();
  const keepAlive = res.headers.get('keep-alive') ?? '';
  const timeout = Number(/timeout=(\d+)/.exec(keepAlive)?.[1]);
  expect(timeout).toBeGreaterThanOrEqual(60);
});

it('POST clock moves the emulator clock forward: creation times follow it and due transitions settle', async () => {
  await emu.admin.config({ durations: { instanceStopMs: 60_000 } });
  const cvm = emu.clients.cvm('ap-guangzhou');
  const first = await emu.admin.createInstance();
  await cvm.StopInstances({ InstanceIds: [first] });
  const before = (await emu.admin.state()).now;

  const { now, offsetMs } = await emu.admin.advanceClock(60_000);
  expect(offsetMs).toBe(60_000);
  expect(now - before).toBeGreaterThanOrEqual(60_000);
  // The stop was due in 60 s of emulated time: it has settled without anyone waiting.
  const [stopped] = (await cvm.DescribeInstances({ InstanceIds: [first] })).InstanceSet!;
  expect(stopped.InstanceState).toBe('STOPPED');
  // Signed requests still pass (the advance stays inside TC3's five-minute window) and are dated by the clock.
  const { ImageId } = await cvm.CreateImage({ InstanceId: first, ImageName: 'dated-by-the-clock' });
  const [image] = (await cvm.DescribeImages({ ImageIds: [ImageId!] })).ImageSet!;
  expect(Date.parse(image.CreatedTime!)).toBeGreaterThanOrEqual(before + 59_000);

  expect((await raw('POST', 'clock', JSON.stringify({ advanceMs: -1 }))).status).toBe(400);
  expect((await raw('POST', 'clock', JSON.stringify({ advanceMs: 600_000 }))).status).toBe(400);
});
