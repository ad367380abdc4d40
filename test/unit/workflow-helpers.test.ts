import { fstabRefusal } from '../../src/workflows/fstab-step';
import type { InstanceFacts } from '../../src/contract';
import { decideShutdown, onlineCapable } from '../../src/workflows/decisions';
import { formatDuration, parseDuration } from '../../src/workflows/durations';

const instance = (over: Partial<InstanceFacts>): InstanceFacts => ({
  instanceId: 'ins-aaaaaaaa',
  region: 'ap-guangzhou',
  zone: 'ap-guangzhou-3',
  instanceType: 'S5.MEDIUM4',
  state: 'RUNNING',
  createdTime: '2021-03-04T05:06:07Z',
  imageId: 'img-pub',
  sourceImageType: 'PUBLIC_IMAGE',
  osName: 'TencentOS Server 3.1',
  platform: 'LINUX',
  dataDisks: [],
  ...over,
});

describe('online imaging rule (seed: public image, created on or after 2018-07-01)', () => {
  it.each([
    ['PUBLIC_IMAGE', '2018-07-01T00:00:00Z', true],
    ['PUBLIC_IMAGE', '2018-06-30T23:59:59Z', false],
    ['PRIVATE_IMAGE', '2022-01-01T00:00:00Z', false],
    ['UNKNOWN', '2022-01-01T00:00:00Z', false],
    ['PUBLIC_IMAGE', '', false],
  ])('%s created %s → %s', (sourceImageType, createdTime, expected) => {
    expect(onlineCapable({ sourceImageType, createdTime })).toBe(expected);
  });
});

describe('shutdown decision', () => {
  const old = instance({ createdTime: '2017-05-01T00:00:00Z' });
  it('auto stops only what cannot be imaged online', () => {
    expect(decideShutdown('auto', instance({}))).toMatchObject({ stop: false });
    expect(decideShutdown('auto', old)).toMatchObject({ stop: true });
  });
  it('always stops a running instance; nobody stops a stopped one', () => {
    expect(decideShutdown('always', instance({}))).toMatchObject({ stop: true });
    expect(decideShutdown('always', instance({ state: 'STOPPED' }))).toMatchObject({ stop: false });
  });
  it('never refuses an instance that must be stopped', () => {
    const d = decideShutdown('never', old);
    expect('refuse' in d && d.refuse).toMatch(/^shutdown: "never" cannot be honoured: instance ins-aaaaaaaa/);
    expect(decideShutdown('never', instance({}))).toMatchObject({ stop: false });
    expect(decideShutdown('never', instance({ ...old, state: 'STOPPED' }))).toMatchObject({ stop: false });
  });
});

describe('durations', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['250ms', 250],
  ])('%s = %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '1', 'h', '1x', '-1h', '1 h', 'forever'])('refuses %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
  it('formats for messages', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(3_000)).toBe('3s');
  });
});

describe('fstabRefusal', () => {
  it('lists the rows the guest reported and says how many more there are', () => {
    const rows = [{ line: 7, text: 'UUID=a /data ext4 defaults', reason: 'on vdb, not the system disk vda' }];
    const failure = fstabRefusal('ins-1', rows, 45);
    expect(failure.message).toContain(
      'line 7: UUID=a /data ext4 defaults (on vdb, not the system disk vda) (and 44 more)',
    );
    expect(fstabRefusal('ins-1', rows).message).not.toContain('more');
  });
});
