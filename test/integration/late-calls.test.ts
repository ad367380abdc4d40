/**
 * #19 item 1: a mutation Tencent applies after the client gave up (the emulator's `commitAfterTimeout`:
 * no answer, applied `lateMs` later). Each late call lands after the run's retry did the work; the run's
 * final reconciliation (settle window `lateCallSettleMs`) must leave the cloud as the result says.
 */
import { TAG_WORKFLOW_ID } from '../../src/contract';
import { instanceView, onlineInstanceWithDataDisk, REGION, startBench, type PipelineBench } from '../helpers/pipeline';

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

async function lateRun(action: string, imageName: string, createdTime?: string, lateMs = LATE_MS) {
  const { emu } = bench;
  const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk(createdTime ? { createdTime } : {}));
  const original = await instanceView(emu, instanceId);
  await emu.admin.faults({ rules: [{ action, commitAfterTimeout: true, lateMs, count: 1 }] });
  const handle = await bench.start({ region: REGION, instanceId, imageName });
  const result = await handle.result();
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
