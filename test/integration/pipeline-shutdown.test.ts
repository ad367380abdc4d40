/**
 * The shutdown decision: instances that cannot be imaged online are stopped and restarted; approval
 * (approve, reject, timeout) gates the shutdown; "never" refuses; a stopped instance stays stopped.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { FixtureInstance } from '../../src/emulator/cvm/fixtures';
import {
  callsBetween,
  failureOf,
  instanceView,
  leftovers,
  onlineInstanceWithDataDisk,
  progressWhen,
  REGION,
  startBench,
  type PipelineBench,
} from '../helpers/pipeline';

jest.setTimeout(60_000);

let bench: PipelineBench;
beforeAll(async () => {
  bench = await startBench({ emulator: { durations: { imageCreateMs: 1500 } } });
});
afterAll(async () => bench?.close());

/** Created in 2017 from a public image: Tencent refuses to image it while it runs. */
const pre2018 = (over: Partial<FixtureInstance> = {}) =>
  onlineInstanceWithDataDisk({ createdTime: '2017-03-01T00:00:00Z', ...over });

describe('createCustomImage: the shutdown decision', () => {
  it('stops a pre-2018 instance for the image and starts it again afterwards', async () => {
    const { emu } = bench;
    const fixture = pre2018();
    const instanceId = await emu.admin.createInstance(fixture);
    const [state0, req0] = [await emu.admin.state(), await emu.admin.requests()];
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'legacy-1' });
    const stopped = await progressWhen(handle, (p) => p.stage === 'waiting-for-image', 'the image wait');
    expect(stopped.imageId).toMatch(/^img-/);
    expect((await instanceView(emu, instanceId)).state).toBe('STOPPED'); // imaged while stopped
    const result = await handle.result();
    expect(result.shutdownPerformed).toBe(true);
    expect(result.stages.map((s) => s.name)).toEqual(
      expect.arrayContaining(['stopping', 'creating-image', 'waiting-for-image', 'starting', 'restoring-fstab']),
    );
    const source = await instanceView(emu, instanceId);
    expect(source.state).toBe('RUNNING');
    expect(source.files['/etc/fstab']).toBe(fixture.files!['/etc/fstab']);
    const calls = callsBetween(req0, await emu.admin.requests());
    expect(calls.StopInstances).toBe(1);
    expect(calls.StartInstances).toBe(1);
    expect(calls.CreateImage).toBe(1);
    const { newImages } = await leftovers(emu, state0);
    expect(newImages.map((i) => i.state)).toEqual(['NORMAL']);
  });

  it('waits for approveShutdown, refusing approvals while none is pending', async () => {
    const { emu } = bench;
    const online = await emu.admin.createInstance(onlineInstanceWithDataDisk());
    const noStop = await bench.start({
      region: REGION,
      instanceId: online,
      imageName: 'approval-none',
      approval: { required: true },
    });
    await progressWhen(noStop, (p) => p.stage === 'waiting-for-image', 'the image wait of the online instance');
    await expect(noStop.executeUpdate('approveShutdown')).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    expect((await noStop.result()).warnings.join(' ')).toContain('approval was required but no shutdown is needed');

    const instanceId = await emu.admin.createInstance(pre2018());
    const handle = await bench.start({
      region: REGION,
      instanceId,
      imageName: 'approval-yes',
      approval: { required: true, timeout: '10m' },
    });
    const waiting = await progressWhen(handle, (p) => p.stage === 'awaiting-approval', 'the approval wait');
    expect(waiting.waitingFor).toContain('approveShutdown');
    expect((await instanceView(emu, instanceId)).state).toBe('RUNNING');
    expect(await handle.executeUpdate('approveShutdown')).toBe('shutdown approved');
    await expect(handle.executeUpdate('approveShutdown')).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    const result = await handle.result();
    expect(result.shutdownPerformed).toBe(true);
    expect((await instanceView(emu, instanceId)).state).toBe('RUNNING');
  });

  it('ends cleanly with nothing changed when the shutdown is rejected', async () => {
    const { emu } = bench;
    const fixture = pre2018();
    const instanceId = await emu.admin.createInstance(fixture);
    const [state0, req0] = [await emu.admin.state(), await emu.admin.requests()];
    const handle = await bench.start({
      region: REGION,
      instanceId,
      imageName: 'approval-no',
      approval: { required: true },
    });
    await progressWhen(handle, (p) => p.stage === 'awaiting-approval', 'the approval wait');
    expect(await handle.executeUpdate('rejectShutdown', { args: ['not during business hours'] })).toBe(
      'shutdown rejected',
    );
    const failure = await failureOf(handle);
    expect(failure.type).toBe('ShutdownRejected');
    expect(failure.message).toContain('not during business hours');
    const calls = callsBetween(req0, await emu.admin.requests());
    for (const action of ['StopInstances', 'CreateImage', 'RunCommand', 'CreateSnapshot'])
      expect(calls[action]).toBeUndefined();
    const { newImages, newSnapshots } = await leftovers(emu, state0);
    expect([newImages, newSnapshots]).toEqual([[], []]);
    const source = await instanceView(emu, instanceId);
    expect([source.state, source.files['/etc/fstab']]).toEqual(['RUNNING', fixture.files!['/etc/fstab']]);
  });

  // Nobody approving in time (the default 1 h): test/timing/pipeline-timing.test.ts, on skipped time.

  it('refuses shutdown "never" for an instance that must be stopped, naming the field, before any change', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance(pre2018());
    const req0 = await emu.admin.requests();
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'never-1', shutdown: 'never' });
    const failure = await failureOf(handle);
    expect(failure.type).toBe('InvalidPipelineInput');
    expect(failure.message).toMatch(/shutdown: "never" cannot be honoured/);
    const calls = callsBetween(req0, await emu.admin.requests());
    expect(Object.keys(calls).sort()).toEqual(['DescribeImages', 'DescribeInstances']);
  });

  it('leaves an instance that was already stopped stopped', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance({
      region: REGION,
      createdTime: '2016-01-01T00:00:00Z',
      state: 'STOPPED',
    });
    const result = await (await bench.start({ region: REGION, instanceId, imageName: 'cold-1' })).result();
    expect(result.shutdownPerformed).toBe(false);
    expect(result.warnings.join(' ')).toContain('fstab preparation skipped');
    expect((await instanceView(emu, instanceId)).state).toBe('STOPPED');
  });
});
