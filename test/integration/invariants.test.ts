/**
 * The chaos runs' invariant checker, on real emulator state: a real completed pipeline passes, and each
 * kind of damage planted through the real SDK afterwards (a second image carrying the run's tag, a
 * leftover of a failed run, an untagged disk, the source left stopped, /etc/fstab changed, the reported
 * image gone, a run that never ended) is reported, by id. Each test accounts for what it planted (or plants
 * it on resources of its own), so the real pipeline stays clean and any test runs alone or in any order.
 */
import { TAG_WORKFLOW_ID, type CreateCustomImageResult } from '../../src/contract';
import { baselineOf, checkInvariants, type Baseline, type PipelineRecord } from '../chaos/invariants';
import { waitFor } from '../helpers/emulator';
import { onlineInstanceWithDataDisk, REGION, startBench, type PipelineBench } from '../helpers/pipeline';

jest.setTimeout(60_000);

let bench: PipelineBench;
let baseline: Baseline;
let record: PipelineRecord;
let result: CreateCustomImageResult;

beforeAll(async () => {
  bench = await startBench();
  const { emu } = bench;
  const fixture = onlineInstanceWithDataDisk();
  const instanceId = await emu.admin.createInstance(fixture);
  baseline = baselineOf(await emu.admin.state());
  const handle = await bench.start({
    region: REGION,
    instanceId,
    imageName: 'checked-1',
    launch: { count: 1, keep: true },
  });
  result = await handle.result();
  record = {
    workflowId: handle.workflowId,
    region: REGION,
    sourceInstanceId: instanceId,
    imageName: 'checked-1',
    launch: { count: 1, keep: true },
    original: { state: 'RUNNING', fstab: fixture.files!['/etc/fstab'] },
    outcome: { status: 'completed', result },
  };
});
afterAll(async () => bench?.close());

const check = async (records: PipelineRecord[] = [record]) =>
  checkInvariants(await bench.emu.admin.state(), baseline, records);
const tag = (workflowId: string) => [{ Key: TAG_WORKFLOW_ID, Value: workflowId }];

/** A source instance of the test's own (with its disks in the baseline) and the record of a run on it. */
async function ownRun(workflowId: string, outcome: PipelineRecord['outcome']): Promise<PipelineRecord> {
  const { emu } = bench;
  const sourceInstanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
  const state = await emu.admin.state();
  baseline.instances.add(sourceInstanceId);
  state.disks.filter((d) => d.instanceId === sourceInstanceId).forEach((d) => baseline.disks.add(d.id));
  const fstab = state.instances.find((i) => i.id === sourceInstanceId)!.files['/etc/fstab'];
  return {
    ...record,
    workflowId,
    sourceInstanceId,
    launch: undefined,
    original: { state: 'RUNNING', fstab },
    outcome,
  };
}

describe('the invariant checker', () => {
  it('passes a real completed pipeline: its image, snapshots and kept instance, source restored', async () => {
    expect(result.launchedInstanceIds).toHaveLength(1);
    expect((await check()).violations).toEqual([]);
  });

  it('reports a second image tagged with the run as a duplicate', async () => {
    const { emu } = bench;
    const other = await emu.admin.createInstance({ region: REGION });
    const dup = await emu.clients.cvm(REGION).CreateImage({
      InstanceId: other,
      ImageName: 'checked-1-again',
      TagSpecification: [{ ResourceType: 'image', Tags: tag(record.workflowId) }],
    });
    const report = await check();
    expect(report.violations).toContainEqual(expect.objectContaining({ kind: 'duplicate', resource: dup.ImageId }));
    expect(report.duplicates).toBe(1);
    baseline.instances.add(other);
    (await emu.admin.state()).disks.filter((d) => d.instanceId === other).forEach((d) => baseline.disks.add(d.id));
  });

  it('reports what a failed run left behind, and an untagged disk nobody accounts for, as orphans', async () => {
    const { emu } = bench;
    const failedSource = await emu.admin.createInstance(onlineInstanceWithDataDisk());
    const state = await emu.admin.state();
    const dataDisk = state.instances.find((i) => i.id === failedSource)!.dataDiskIds[0];
    state.disks.filter((d) => d.instanceId === failedSource).forEach((d) => baseline.disks.add(d.id));
    const failed: PipelineRecord = {
      ...record,
      workflowId: 'cvm-image/ap-guangzhou/failed-run',
      sourceInstanceId: failedSource,
      imageName: 'never-made',
      launch: undefined,
      original: { state: 'RUNNING', fstab: state.instances.find((i) => i.id === failedSource)!.files['/etc/fstab'] },
      outcome: { status: 'failed', failureType: 'ImageCreateFailed', message: 'planted' },
    };
    const snap = await emu.clients.cbs(REGION).CreateSnapshot({ DiskId: dataDisk, Tags: tag(failed.workflowId) });
    const disk = await emu.clients.cbs(REGION).CreateDisks({
      DiskType: 'CLOUD_PREMIUM',
      DiskChargeType: 'POSTPAID_BY_HOUR',
      Placement: { Zone: `${REGION}-3` },
      DiskSize: 20,
    });
    const report = await check([record, failed]);
    expect(report.violations).toContainEqual(
      expect.objectContaining({ kind: 'orphan', workflowId: failed.workflowId, resource: snap.SnapshotId }),
    );
    expect(report.violations).toContainEqual(expect.objectContaining({ kind: 'orphan', resource: disk.DiskIdSet![0] }));
    expect(report.orphans).toBe(2);
    baseline.snapshots.add(snap.SnapshotId!);
    baseline.disks.add(disk.DiskIdSet![0]);
  });

  it('reports a source instance left stopped, and its /etc/fstab changed', async () => {
    const { emu } = bench;
    const run = await ownRun('cvm-image/ap-guangzhou/left-stopped', {
      status: 'failed',
      failureType: 'ImageCreateFailed',
      message: 'planted',
    });
    const source = run.sourceInstanceId;
    await emu.clients.tat(REGION).RunCommand({
      InstanceIds: [source],
      CommandType: 'SHELL',
      Content: Buffer.from('echo "/dev/vdc /more ext4 defaults 0 2" >> "$GUEST_ROOT/etc/fstab"').toString('base64'),
    });
    await waitFor(async () => {
      const s = await emu.admin.state();
      return s.instances.find((i) => i.id === source)!.files['/etc/fstab'] !== run.original.fstab;
    });
    await emu.clients.cvm(REGION).StopInstances({ InstanceIds: [source] });
    const report = await check([record, run]);
    const details = report.violations.filter((v) => v.kind === 'not-restored').map((v) => v.detail);
    expect(details).toEqual(expect.arrayContaining([expect.stringMatching(/^state (STOPPING|STOPPED), was RUNNING$/)]));
    expect(details).toContain('/etc/fstab differs from before the run');
    expect(report.notRestored).toBe(1); // one instance, however many ways
    expect(report.violations.every((v) => v.kind !== 'not-restored' || v.resource === source)).toBe(true);
  });

  it('reports the reported image gone as missing, and a run that never ended as unfinished', async () => {
    const { emu } = bench;
    const open: PipelineRecord = { ...record, outcome: { status: 'unfinished', message: 'still open after 1 ms' } };
    expect((await check([open])).violations).toContainEqual(
      expect.objectContaining({ kind: 'unfinished', resource: record.workflowId }),
    );
    // A completed run of its own whose image is then deleted (the real run's image stays).
    const gone = await ownRun('cvm-image/ap-guangzhou/image-gone', { status: 'completed', result });
    const { ImageId } = await emu.clients.cvm(REGION).CreateImage({
      InstanceId: gone.sourceInstanceId,
      ImageName: 'reported-then-gone',
    });
    await waitFor(async () => (await emu.admin.state()).images.find((i) => i.id === ImageId)?.state === 'NORMAL');
    await emu.clients.cvm(REGION).DeleteImages({ ImageIds: [ImageId!], DeleteBindedSnap: true });
    const goneRun: PipelineRecord = {
      ...gone,
      outcome: {
        status: 'completed',
        result: { ...result, imageId: ImageId, snapshotIds: [], launchedInstanceIds: [] },
      },
    };
    const report = await check([record, goneRun]);
    expect(report.violations).toContainEqual(
      expect.objectContaining({ kind: 'missing', resource: ImageId, detail: 'reported image does not exist' }),
    );
    expect(report.violations.filter((v) => v.kind === 'missing')).toHaveLength(1);
  });
});
