/**
 * Failures after something was changed: the saga undoes every step (newest first) and the cloud ends as
 * it was: no image, no snapshot, no instance or disk left, the source instance in its original state
 * with its /etc/fstab as before. A cleanup step that cannot succeed is reported by id, not swallowed.
 */
import type { FixtureInstance } from '../../src/emulator/cvm/fixtures';
import type { FaultsBody } from '../helpers/emulator';
import {
  failureOf,
  instanceView,
  leftovers,
  onlineInstanceWithDataDisk,
  REGION,
  startBench,
  type PipelineBench,
} from '../helpers/pipeline';
import type { CreateCustomImageInput } from '../../src/contract';

jest.setTimeout(60_000);

let bench: PipelineBench;
beforeAll(async () => {
  bench = await startBench();
});
afterAll(async () => bench?.close());
afterEach(async () => bench.emu.admin.clearFaults());

/** Runs a pipeline under `faults`; it must fail with `type` and leave nothing behind. */
async function failsCleanly(
  fixture: FixtureInstance,
  input: Omit<CreateCustomImageInput, 'region' | 'instanceId'>,
  faults: FaultsBody,
  type: string,
) {
  const { emu } = bench;
  const instanceId = await emu.admin.createInstance(fixture);
  const original = await instanceView(emu, instanceId);
  const state0 = await emu.admin.state();
  await emu.admin.faults(faults);
  const handle = await bench.start({ region: REGION, instanceId, ...input });
  const failure = await failureOf(handle);
  expect(failure.type).toBe(type);
  const { newImages, newSnapshots, newInstances, newDisks, launchFailed } = await leftovers(emu, state0);
  for (const i of launchFailed) expect(failure.message).toContain(i.id);
  expect({ newImages, newSnapshots, newInstances, newDisks }).toEqual({
    newImages: [],
    newSnapshots: [],
    newInstances: [],
    newDisks: [],
  });
  const source = await instanceView(emu, instanceId);
  expect(source.state).toBe(original.state);
  expect(source.files['/etc/fstab']).toBe(original.files['/etc/fstab']);
  expect(Object.keys(source.files).filter((f) => f.includes('cvm-image-pipeline'))).toEqual([]);
  const history = await handle.fetchHistory();
  return { failure, history, instanceId };
}

describe('createCustomImage undoes its work on failure', () => {
  it('CREATEFAILED: deletes the image, restarts the instance it stopped, restores /etc/fstab', async () => {
    const { failure, history } = await failsCleanly(
      onlineInstanceWithDataDisk({ createdTime: '2017-03-01T00:00:00Z' }),
      { imageName: 'fails-image' },
      { rules: [{ action: 'CreateImage', resultState: 'CREATEFAILED' }] },
      'ImageCreateFailed',
    );
    expect(failure.message).toMatch(/^waiting-for-image: image img-\w+ ended in CREATEFAILED/);
    const undone = history
      .events!.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter((n): n is string => !!n);
    // Newest first: the image, then the instance is started, then /etc/fstab is restored (TAT needs it running).
    const tail = undone.slice(undone.indexOf('deleteImage'));
    expect(tail).toEqual(['deleteImage', 'startInstance', 'waitForInstances', 'restoreFstab', 'reconcileRun']);
  });

  it('a data-disk snapshot that fails: snapshot and image deleted', async () => {
    const { failure } = await failsCleanly(
      onlineInstanceWithDataDisk(),
      { imageName: 'fails-snapshot' },
      { rules: [{ action: 'CreateSnapshot', resultState: 'CREATEFAILED' }] },
      'SnapshotCreateFailed',
    );
    expect(failure.message).toMatch(
      /^snapshotting-data-disks: snapshot snap-\w+ of disk disk-\w+ ended in CREATEFAILED/,
    );
  });

  it('a launch that fails: instance terminated, snapshots and image deleted', async () => {
    const { failure } = await failsCleanly(
      onlineInstanceWithDataDisk(),
      { imageName: 'fails-launch', launch: { count: 1, keep: true } },
      { rules: [{ action: 'RunInstances', resultState: 'LAUNCH_FAILED' }] },
      'LaunchFailed',
    );
    expect(failure.message).toMatch(/^launching: instance ins-\w+ failed to launch/);
  });

  it('fstab "ignore" with a data disk left in /etc/fstab: the launched instance never boots, and that is caught', async () => {
    const { failure } = await failsCleanly(
      onlineInstanceWithDataDisk(),
      {
        imageName: 'fails-boot',
        fstab: 'ignore',
        dataDisks: 'exclude',
        launch: { count: 1, keep: true },
        timeouts: { agent: '3s' },
      },
      { rules: [] },
      'LaunchVerificationFailed',
    );
    expect(failure.message).toContain('did not bring its TAT agent online within 3 s');
  });
});

describe('a cleanup step that keeps failing', () => {
  it('is listed by id in the failure, with the original cause', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
    await emu.admin.faults({
      rules: [
        { action: 'CreateImage', resultState: 'CREATEFAILED' },
        { action: 'DeleteImages', error: 'UnauthorizedOperation', message: 'CAM policy denies DeleteImages' },
      ],
    });
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'leaky-1' });
    const failure = await failureOf(handle);
    expect(failure.type).toBe('CompensationIncomplete');
    const imageId = (await handle.query<{ imageId: string }>('progress')).imageId;
    expect(failure.message).toContain(`delete image (with its bound snapshots) [${imageId}]`);
    expect(failure.message).toContain('UnauthorizedOperation');
    expect((failure.error.cause as { cause?: { message: string } }).cause?.message).toContain('CREATEFAILED');
    // The other undo steps still ran.
    expect((await instanceView(emu, instanceId)).files['/etc/fstab']).toBe(
      onlineInstanceWithDataDisk().files!['/etc/fstab'],
    );
    await emu.admin.clearFaults();
    await emu.clients.cvm(REGION).DeleteImages({ ImageIds: [imageId], DeleteBindedSnap: true });
  });
});
