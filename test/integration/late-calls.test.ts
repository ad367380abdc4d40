/**
 * #19 item 1: a mutation Tencent applies after the client gave up (the emulator's `commitAfterTimeout`:
 * no answer, applied `lateMs` later). Each late call lands after the run's retry did the work; the run's
 * final reconciliation (settle window `lateCallSettleMs`) must leave the cloud as the result says.
 */
import { TAG_WORKFLOW_ID, type PipelineProgress } from '../../src/contract';
import { waitFor } from '../helpers/emulator';
import {
  callsBetween,
  instanceView,
  onlineInstanceWithDataDisk,
  REGION,
  startBench,
  type PipelineBench,
  type PipelineHandle,
} from '../helpers/pipeline';

jest.setTimeout(60_000);

/** Later than the activity's first retry (1 s), so the retry does the work and the original lands after. */
const LATE_MS = 2_500;
/** Later than the fstab restore (the run's image wait comes first). */
const LATE_FSTAB_MS = 4_500;

let bench: PipelineBench;
beforeAll(async () => {
  bench = await startBench({ deps: { lateCallSettleMs: LATE_FSTAB_MS + 1_500 } });
});
afterAll(async () => bench?.close());
afterEach(async () => bench.emu.admin.clearFaults());

const taggedWith = (list: { id: string; tags?: { Key: string; Value: string }[] }[], workflowId: string) =>
  list.filter((r) => (r.tags ?? []).some((t) => t.Key === TAG_WORKFLOW_ID && t.Value === workflowId)).map((r) => r.id);

/** The run's result, or, when it has not finished in time, an error naming the stage it is stuck in. */
async function resultWithin(handle: PipelineHandle, ms: number) {
  const result = handle.result();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<true>((r) => (timer = setTimeout(() => r(true), ms)));
  const late = await Promise.race([
    result.then(
      () => false,
      () => false,
    ),
    timedOut,
  ]);
  clearTimeout(timer);
  if (!late) return result;
  const progress = await handle.query<PipelineProgress>('progress').catch((err: Error) => err.message);
  // Ended, and its result poll settled: a poll left running would be retried after afterAll closed the client.
  await handle.terminate('the test gave up waiting').catch(() => undefined);
  await result.catch(() => undefined);
  throw new Error(`the run has not finished after ${ms} ms: ${JSON.stringify(progress)}`);
}

/** StopInstances as the cloud applies a late one: at once, once the instance is RUNNING and idle. */
async function stopWhenRunning(instanceId: string) {
  const cvm = bench.emu.clients.cvm(REGION);
  await waitFor(
    () =>
      cvm.StopInstances({ InstanceIds: [instanceId], StopType: 'SOFT_FIRST' }).then(
        () => true,
        (err: unknown) => {
          // Still STARTING: refused as Tencent refuses it; tried again.
          if (/InProgress|InstanceStateStarting/.test((err as { code?: string }).code ?? '')) return false;
          throw err;
        },
      ),
    { intervalMs: 20, what: `StopInstances on ${instanceId} to be accepted` },
  );
}

async function lateRun(action: string, imageName: string, createdTime?: string, lateMs = LATE_MS) {
  const { emu } = bench;
  const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk(createdTime ? { createdTime } : {}));
  const original = await instanceView(emu, instanceId);
  await emu.admin.faults({ rules: [{ action, commitAfterTimeout: true, lateMs, count: 1 }] });
  const handle = await bench.start({ region: REGION, instanceId, imageName });
  const result = await resultWithin(handle, 45_000);
  const fired = (await emu.admin.listFaults()).fired;
  await new Promise((r) => setTimeout(r, lateMs + 300)); // the late call has landed by now, fix or no fix
  const state = await emu.admin.state();
  const source = await instanceView(emu, instanceId);
  return { result, fired, state, source, original, workflowId: handle.workflowId };
}

describe('calls the cloud applies after the client gave up', () => {
  it('a late CreateSnapshot: the second snapshot tagged with the run is removed and reported by id', async () => {
    const { result, fired, state, workflowId } = await lateRun('CreateSnapshot', 'late-snapshot-1');
    expect(fired).toBeGreaterThan(0);
    expect(result.snapshotIds).toHaveLength(1);
    const tagged = taggedWith(state.snapshots, workflowId).filter((id) => state.snapshots.find((s) => s.id === id));
    const unbound = tagged.filter((id) => !state.images.some((i) => JSON.stringify(i).includes(id)));
    expect(unbound.sort()).toEqual(result.snapshotIds);
    expect(result.warnings.join('\n')).toMatch(/removed resources a late-applied call made for this run: snap-/);
  });

  it('a late StopInstances after the restart: the source ends RUNNING, as it started', async () => {
    const { result, source, original } = await lateRun('StopInstances', 'late-stop-1', '2017-03-01T00:00:00Z');
    expect(result.shutdownPerformed).toBe(true);
    expect(original.state).toBe('RUNNING');
    expect(source.state).toBe('RUNNING');
    expect(source.files['/etc/fstab']).toBe(original.files['/etc/fstab']);
  });

  it('a late fstab fix (RunCommand) after the restore: /etc/fstab ends as it was, no backup left', async () => {
    const { result, source, original } = await lateRun('RunCommand', 'late-fstab-1', undefined, LATE_FSTAB_MS);
    expect(result.imageId).toMatch(/^img-/);
    expect(source.files['/etc/fstab']).toBe(original.files['/etc/fstab']);
    expect(Object.keys(source.files).filter((f) => f.includes('cvm-image-pipeline'))).toEqual([]);
  });
});

/**
 * Where a late StopInstances lands depends on timing (a loaded machine moved it into the windows below, and
 * the run hung until jest's timeout). Here the test applies the stop itself at that moment, deterministically.
 */
describe('a stop applied right after the run restarted the source', () => {
  async function startStopped(imageName: string) {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance(
      onlineInstanceWithDataDisk({ createdTime: '2017-03-01T00:00:00Z' }),
    );
    const original = await instanceView(emu, instanceId);
    const handle = await bench.start({ region: REGION, instanceId, imageName });
    await waitFor(async () => (await instanceView(emu, instanceId)).state === 'STOPPED', {
      intervalMs: 20,
      what: 'the run to stop the source',
    });
    return { instanceId, original, handle };
  }

  /** The stop lands now; the run must still end with the source RUNNING and its fstab as it was. */
  async function stopThenExpectRestored(
    instanceId: string,
    original: Awaited<ReturnType<typeof instanceView>>,
    handle: PipelineHandle,
  ) {
    await stopWhenRunning(instanceId);
    await bench.emu.admin.clearFaults();
    const result = await resultWithin(handle, 40_000);
    const source = await instanceView(bench.emu, instanceId);
    expect(result.shutdownPerformed).toBe(true);
    expect(source.state).toBe('RUNNING');
    expect(source.files['/etc/fstab']).toBe(original.files['/etc/fstab']);
  }

  it('before the run saw it RUNNING: the run starts it again instead of waiting for RUNNING forever', async () => {
    const { emu } = bench;
    const { instanceId, original, handle } = await startStopped('stop-unseen-1');
    // Every DescribeInstances from now on answers 1.5 s late, with the state it finds then: the run's wait
    // after StartInstances cannot see the RUNNING the stop below ends.
    await emu.admin.faults({ rules: [{ action: 'DescribeInstances', latencyMs: 1_500 }] });
    await waitFor(async () => (await instanceView(emu, instanceId)).latestOperation === 'StartInstances', {
      intervalMs: 20,
      what: 'the run to restart the source',
    });
    await stopThenExpectRestored(instanceId, original, handle);
  });

  it('before its fstab restore: the run starts it again and restores /etc/fstab', async () => {
    const { emu } = bench;
    const { instanceId, original, handle } = await startStopped('stop-before-restore-1');
    const stopped = await emu.admin.requests();
    // The fstab restore's RunCommand is answered 1.5 s late, against the state it finds then (stopped).
    await emu.admin.faults({ rules: [{ action: 'RunCommand', latencyMs: 1_500 }] });
    await waitFor(async () => (callsBetween(stopped, await emu.admin.requests()).RunCommand ?? 0) > 0, {
      intervalMs: 20,
      what: "the run's fstab restore",
    });
    await stopThenExpectRestored(instanceId, original, handle);
  });
});
