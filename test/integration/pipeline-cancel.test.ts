/**
 * Cancellation during each long wait: the waiting activity stops (it heartbeats and honours the cancel),
 * the undo steps run in a non-cancellable scope, and the cloud ends as it was.
 */
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { Durations } from '../../src/emulator';
import type { FixtureInstance } from '../../src/emulator/cvm/fixtures';
import { FAST_DURATIONS, waitFor } from '../helpers/emulator';
import {
  instanceView,
  leftovers,
  onlineInstanceWithDataDisk,
  progressWhen,
  REGION,
  startBench,
  type PipelineBench,
  type PipelineHandle,
} from '../helpers/pipeline';
import type { CreateCustomImageInput, PipelineProgress, StageName } from '../../src/contract';

jest.setTimeout(60_000);

let bench: PipelineBench;
beforeAll(async () => {
  bench = await startBench();
});
afterAll(async () => bench?.close());

const pre2018 = (): FixtureInstance => onlineInstanceWithDataDisk({ createdTime: '2017-03-01T00:00:00Z' });

/**
 * How long the operation a test cancels during takes: longer than a test waits for the cancel to be
 * acknowledged, so it ends only when the test moves the emulator's clock. A wait that had to be cancelled could
 * otherwise finish first (a 1.5 s stop once did, in a clean-clone run: the cancel reaches an activity with its
 * next heartbeat, up to a second later). Not longer: the emulator checks request signatures against its own
 * clock (300 s, as Tencent does), and this file's six moves must stay within that.
 */
const UNTIL_ADVANCED = 30_000;
const ACKNOWLEDGED_WITHIN_MS = 20_000;

/** The ActivityTaskCanceled of `activity`'s run, if the history has one. */
function cancelledEvent(events: temporal.api.history.v1.IHistoryEvent[], activity: string) {
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity);
  // Until the activity is in the history, `undefined === undefined` would match any event.
  if (!scheduled) return undefined;
  return events.find(
    (e) => e.activityTaskCanceledEventAttributes?.scheduledEventId?.toString() === scheduled.eventId?.toString(),
  );
}

/** Once the wait has acknowledged the cancel, the cloud finishes its operation, so the undo steps can run. */
async function whenCancelled(handle: PipelineHandle, activity: string): Promise<void> {
  await waitFor(async () => cancelledEvent((await handle.fetchHistory()).events ?? [], activity) !== undefined, {
    what: `${activity} to acknowledge the cancel`,
    timeoutMs: ACKNOWLEDGED_WITHIN_MS,
  });
  await bench.emu.admin.advanceClock(UNTIL_ADVANCED);
}

async function cancelDuring(
  stage: StageName,
  fixture: FixtureInstance,
  input: Omit<CreateCustomImageInput, 'region' | 'instanceId'>,
  slow: Partial<Durations>,
  waitActivity?: string,
  ready: (p: PipelineProgress) => boolean = () => true,
) {
  const { emu } = bench;
  await emu.admin.config({ durations: { ...FAST_DURATIONS, ...slow } });
  const instanceId = await emu.admin.createInstance(fixture);
  const original = await instanceView(emu, instanceId);
  const state0 = await emu.admin.state();
  const handle = await bench.start({ region: REGION, instanceId, ...input });
  await progressWhen(handle, (p) => p.stage === stage && ready(p), `stage ${stage}`);
  if (waitActivity) {
    // Cancel while the wait itself is running, not just the call before it.
    await waitFor(
      async () => (await handle.describe()).raw.pendingActivities?.some((a) => a.activityType?.name === waitActivity),
      { what: `${waitActivity} to be running`, timeoutMs: 30_000 },
    );
  }
  await handle.cancel();
  if (waitActivity) await whenCancelled(handle, waitActivity);
  const err = await handle.result().then(
    () => undefined,
    (e) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  expect((await handle.describe()).status.name).toBe('CANCELLED');

  const { newImages, newSnapshots, newInstances, newDisks } = await leftovers(emu, state0);
  expect({ newImages, newSnapshots, newInstances, newDisks }).toEqual({
    newImages: [],
    newSnapshots: [],
    newInstances: [],
    newDisks: [],
  });
  const source = await instanceView(emu, instanceId);
  expect(source.state).toBe(original.state);
  expect(source.files['/etc/fstab']).toBe(original.files['/etc/fstab']);
  const events = (await handle.fetchHistory()).events!;
  if (waitActivity) {
    // The wait itself was cancelled (it heartbeats), rather than left to run to its end.
    const cancelled = cancelledEvent(events, waitActivity);
    expect(cancelled).toBeDefined();
  }
  expect((await handle.query<{ stage: string }>('progress')).stage).toBe('cancelled');
  return { events };
}

describe('cancelling a pipeline', () => {
  it('while it waits for the source instance to finish an operation', async () => {
    const { emu } = bench;
    await emu.admin.config({ durations: { ...FAST_DURATIONS, instanceStopMs: UNTIL_ADVANCED } });
    const instanceId = await emu.admin.createInstance({ region: REGION });
    await emu.clients.cvm(REGION).StopInstances({ InstanceIds: [instanceId] });
    const state0 = await emu.admin.state();
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'cancel-inspect' });
    await progressWhen(handle, (p) => p.stage === 'inspecting', 'inspection');
    await handle.cancel();
    await whenCancelled(handle, 'inspectInstance');
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const events = (await handle.fetchHistory()).events!;
    expect(events.some((e) => e.activityTaskCanceledEventAttributes)).toBe(true);
    const { newImages } = await leftovers(emu, state0);
    expect(newImages).toEqual([]);
  });

  it('while it waits for the shutdown approval', async () => {
    await cancelDuring(
      'awaiting-approval',
      pre2018(),
      { imageName: 'cancel-approval', approval: { required: true } },
      {},
    );
  });

  it('while it waits for the instance to stop', async () => {
    await cancelDuring(
      'stopping',
      pre2018(),
      { imageName: 'cancel-stop' },
      { instanceStopMs: UNTIL_ADVANCED },
      'waitForInstances',
    );
  });

  it('while it waits for the image', async () => {
    await cancelDuring(
      'waiting-for-image',
      onlineInstanceWithDataDisk(),
      { imageName: 'cancel-image' },
      { imageCreateMs: UNTIL_ADVANCED },
      'waitForImage',
    );
  });

  it('while it waits for the image of an instance it stopped', async () => {
    await cancelDuring(
      'waiting-for-image',
      pre2018(),
      { imageName: 'cancel-image-stopped' },
      { imageCreateMs: UNTIL_ADVANCED },
      'waitForImage',
    );
  });

  it('while it waits for the data-disk snapshots', async () => {
    await cancelDuring(
      'snapshotting-data-disks',
      onlineInstanceWithDataDisk(),
      { imageName: 'cancel-snap' },
      { snapshotCreateMs: UNTIL_ADVANCED },
      'waitForSnapshots',
      (p) => p.snapshotIds.length > 0,
    );
  });

  it('while it waits for the launched instance', async () => {
    await cancelDuring(
      'launching',
      onlineInstanceWithDataDisk(),
      { imageName: 'cancel-launch', launch: { count: 1, keep: true } },
      { instanceLaunchMs: UNTIL_ADVANCED },
      'waitForInstances',
      (p) => p.launchedInstanceIds.length > 0,
    );
  });
});
