/**
 * Activities run at least once: a response lost after Tencent committed the call, a worker restarted in
 * the middle of a long wait, throttling and 5xx. Every case must end with exactly one of each resource.
 * And the waiting happens in the worker: the workflow history stays small however long the image takes.
 */
import {
  callsBetween,
  leftovers,
  onlineInstanceWithDataDisk,
  progressWhen,
  REGION,
  startBench,
  type PipelineBench,
} from '../helpers/pipeline';
import { temporal } from '@temporalio/proto';
import { FAST_DURATIONS, waitFor } from '../helpers/emulator';
import { DEFAULT_LIMIT, DOCUMENTED_LIMITS } from '../../src/activities/rate-limit';

jest.setTimeout(90_000);

let bench: PipelineBench;
beforeAll(async () => {
  bench = await startBench();
});
afterAll(async () => bench?.close());
afterEach(async () => {
  await bench.emu.admin.clearFaults();
  await bench.emu.admin.config({ durations: FAST_DURATIONS });
});

describe('at-least-once activities', () => {
  it('a lost CreateImage response: the retry adopts the image, exactly one exists', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
    const [state0, req0] = [await emu.admin.state(), await emu.admin.requests()];
    await emu.admin.faults({ rules: [{ action: 'CreateImage', commitThenDrop: true, count: 1 }] });
    const result = await (await bench.start({ region: REGION, instanceId, imageName: 'lost-answer' })).result();
    const { newImages } = await leftovers(emu, state0);
    expect(newImages.map((i) => i.id)).toEqual([result.imageId]);
    expect(callsBetween(req0, await emu.admin.requests()).CreateImage).toBe(1);
    expect(result.warnings.join(' ')).toContain(`adopted image ${result.imageId}`);
  });

  it('lost CreateSnapshot and RunInstances responses: one snapshot, one launched instance', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
    const [state0, req0] = [await emu.admin.state(), await emu.admin.requests()];
    await emu.admin.faults({
      rules: [
        { action: 'CreateSnapshot', commitThenDrop: true, count: 1 },
        { action: 'RunInstances', commitThenDrop: true, dropConnection: true, count: 1 },
      ],
    });
    const result = await (
      await bench.start({ region: REGION, instanceId, imageName: 'lost-more', launch: { count: 1, keep: true } })
    ).result();
    const { newSnapshots, newInstances } = await leftovers(emu, state0);
    const dataSnapshots = newSnapshots.filter((s) => s.diskUsage === 'DATA_DISK');
    expect(dataSnapshots.map((s) => s.id)).toEqual(result.snapshotIds);
    expect(newInstances.map((i) => i.id)).toEqual(result.launchedInstanceIds);
    const calls = callsBetween(req0, await emu.admin.requests());
    expect(calls.CreateSnapshot).toBe(1); // the retry found the snapshot instead of making another
    expect(calls.RunInstances).toBe(2); // the retry reused the ClientToken
    // The launched instance has its data disk from the snapshot, mounted through a nofail fstab line.
    const launched = newInstances[0];
    expect(launched.files['/etc/fstab']).toMatch(
      /^UUID=6f1b2c3d-aaaa-4bbb-8ccc-0123456789ab\t\/data\text4\tdefaults,nofail\t0 2$/m,
    );
    expect(launched.files['/data/README']).toBe('business data\n');
    await emu.clients.cvm(REGION).TerminateInstances({ InstanceIds: result.launchedInstanceIds });
  });

  it('throttling, InternalError and 5xx on every action: the pipeline still ends with one image', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
    const state0 = await emu.admin.state();
    await emu.admin.faults({
      seed: 7,
      rules: [
        { action: '*', probability: 0.1, error: 'RequestLimitExceeded' },
        { action: '*', probability: 0.05, error: 'InternalError' },
        { action: '*', probability: 0.03, httpStatus: 503 },
      ],
    });
    const result = await (await bench.start({ region: REGION, instanceId, imageName: 'bumpy-road' })).result();
    const { newImages, newSnapshots } = await leftovers(emu, state0);
    expect(newImages.map((i) => i.id)).toEqual([result.imageId]);
    expect(newSnapshots.filter((s) => s.diskUsage === 'DATA_DISK').map((s) => s.id)).toEqual(result.snapshotIds);
  });
});

describe('a worker restarted during polling', () => {
  it('the wait resumes on the new worker and the pipeline completes with one image', async () => {
    const { emu } = bench;
    await emu.admin.config({ durations: { ...FAST_DURATIONS, imageCreateMs: 3000 } });
    const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
    const state0 = await emu.admin.state();
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'restart-me' });
    await progressWhen(handle, (p) => p.stage === 'waiting-for-image', 'the image wait');
    // The wait is running on the first worker and has heartbeated what it saw (its resume details).
    const details = await waitFor(
      async () => {
        const wait = (await handle.describe()).raw.pendingActivities?.find(
          (a) =>
            a.activityType?.name === 'waitForImage' &&
            a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
        );
        const data = wait?.heartbeatDetails?.payloads?.[0]?.data;
        const parsed = data && JSON.parse(Buffer.from(data).toString('utf8'));
        return parsed && Object.keys(parsed.states ?? {}).length ? parsed : undefined;
      },
      { what: 'waitForImage to heartbeat on the first worker' },
    );
    expect(Object.values(details.states)).toEqual(['CREATING']);
    await bench.restartWorker();
    const result = await handle.result();
    const { newImages } = await leftovers(emu, state0);
    expect(newImages.map((i) => [i.id, i.state])).toEqual([[result.imageId, 'NORMAL']]);
    const events = (await handle.fetchHistory()).events!;
    const waitId = events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'waitForImage',
    )!.eventId!;
    const started = events.find(
      (e) => e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === waitId.toString(),
    )!;
    expect(started.activityTaskStartedEventAttributes!.attempt).toBeGreaterThanOrEqual(2);
  });
});

describe('history size', () => {
  it('stays small however long the image takes: no workflow timers, one activity per wait', async () => {
    const { emu } = bench;
    await emu.admin.config({ durations: { ...FAST_DURATIONS, imageCreateMs: 4000 } });
    const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
    const req0 = await emu.admin.requests();
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'long-wait' });
    await handle.result();
    const events = (await handle.fetchHistory()).events!;
    const polls = callsBetween(req0, await emu.admin.requests()).DescribeImages;
    expect(polls).toBeGreaterThan(20); // the worker polled many times…
    expect(events.length).toBeLessThan(150); // …while the history holds one activity for the wait
    expect(events.filter((e) => e.timerStartedEventAttributes)).toEqual([]);
  });
});

describe('shared pollers', () => {
  it('batch the image waits of concurrent pipelines into shared DescribeImages calls', async () => {
    const { emu } = bench;
    const region = 'ap-beijing'; // a region of its own, so the other tests' images leave its quota alone
    await emu.admin.config({ durations: { ...FAST_DURATIONS, imageCreateMs: 2000 }, imageQuota: { [region]: 20 } });
    const fixture = () => onlineInstanceWithDataDisk({ region });
    const one = await emu.admin.createInstance(fixture());
    const req0 = await emu.admin.requests();
    await (await bench.start({ region, instanceId: one, imageName: 'alone' })).result();
    const alone = callsBetween(req0, await emu.admin.requests()).DescribeImages;

    const ids = await Promise.all([1, 2, 3, 4, 5, 6].map(() => emu.admin.createInstance(fixture())));
    const req1 = await emu.admin.requests();
    const results = await Promise.all(
      ids.map(async (instanceId, i) =>
        (await bench.start({ region, instanceId, imageName: `together-${i}` })).result(),
      ),
    );
    expect(new Set(results.map((r) => r.imageId)).size).toBe(6);
    const together = callsBetween(req1, await emu.admin.requests()).DescribeImages;
    // Six separate pollers would make about six times the calls of one pipeline.
    expect(together).toBeLessThan(3 * alone);
    // And the worker's shared limiter kept every action under Tencent's documented limit, as the emulator counts
    // arrivals. The 50 % margin is a benchmark target (bench peakRps, docs/bench.md), not asserted here: arrivals
    // bunch on a loaded machine although the limiter spaces departures.
    const { peakRps } = await emu.admin.requests();
    const over = Object.entries(peakRps).filter(
      ([action, peak]) => peak > (DOCUMENTED_LIMITS[action] ?? DEFAULT_LIMIT),
    );
    expect(Object.keys(peakRps)).toEqual(expect.arrayContaining(['DescribeImages', 'CreateImage', 'RunCommand']));
    expect(over).toEqual([]);
  });
});
