/**
 * Runs that must end before they change anything: bad input, unknown instance, a full image quota, a
 * name already taken, data-disk lines in `fstab: "check"` mode, an offline TAT agent; and a dry run.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { waitFor } from '../helpers/emulator';
import {
  callsBetween,
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

const MUTATING = ['CreateImage', 'StopInstances', 'StartInstances', 'RunCommand', 'CreateSnapshot', 'RunInstances'];

/** Runs a pipeline that must fail; returns its failure and the calls it made. */
async function refused(input: CreateCustomImageInput) {
  const req0 = await bench.emu.admin.requests();
  const state0 = await bench.emu.admin.state();
  const failure = await failureOf(await bench.start(input));
  const calls = callsBetween(req0, await bench.emu.admin.requests());
  const { newImages, newSnapshots, newInstances } = await leftovers(bench.emu, state0);
  expect([newImages, newSnapshots, newInstances]).toEqual([[], [], []]);
  return { failure, calls };
}

describe('createCustomImage refuses before changing anything', () => {
  it('bad input: one InvalidPipelineInput naming every field, and not a single cloud call', async () => {
    const { failure, calls } = await refused({
      region: REGION,
      instanceId: 'ins-bad',
      imageName: 'x'.repeat(61),
      launch: { count: 0 },
      extra: true,
    } as unknown as CreateCustomImageInput);
    expect(failure.type).toBe('InvalidPipelineInput');
    for (const field of ['instanceId:', 'imageName:', 'launch.count:', 'extra:'])
      expect(failure.message).toContain(field);
    expect(calls).toEqual({});
    expect(failure.error).toBeInstanceOf(WorkflowFailedError);
  });

  it('a 1 MB unknown field name: a refusal of a few KB (under the 2 MB payload limit), not a task retried forever', async () => {
    const name = 'k'.repeat(1024 * 1024);
    const { failure, calls } = await refused({ region: REGION, instanceId: 'ins-1a2b3c4d', imageName: 'x', [name]: 1 });
    expect(failure.type).toBe('InvalidPipelineInput');
    expect(failure.message).toContain('… (1048576 characters): is not a known field');
    expect(Buffer.byteLength(failure.message + JSON.stringify(failure.details))).toBeLessThan(16 * 1024);
    expect(calls).toEqual({});
  });

  it('an instance that does not exist is named', async () => {
    const { failure, calls } = await refused({ region: REGION, instanceId: 'ins-00000000', imageName: 'ghost' });
    expect(failure.type).toBe('TencentResourceNotFound');
    expect(failure.message).toContain('instanceId: instance ins-00000000 does not exist');
    for (const a of MUTATING) expect(calls[a]).toBeUndefined();
  });

  it('a full image quota lists what occupies it', async () => {
    const { emu } = bench;
    const region = 'ap-shanghai';
    await emu.admin.config({ imageQuota: { [region]: 1 } });
    const other = await emu.admin.createInstance({ region });
    const occupant = await emu.clients.cvm(region).CreateImage({ InstanceId: other, ImageName: 'occupant' });
    const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk({ region }));
    const { failure, calls } = await refused({ region, instanceId, imageName: 'no-room' });
    expect(failure.type).toBe('ImageQuotaExceeded');
    expect(failure.message).toContain(`${occupant.ImageId} (occupant`);
    expect(failure.message).toContain('1 of 1');
    for (const a of MUTATING) expect(calls[a]).toBeUndefined();
  });

  it('a name already used by an image the pipeline did not make', async () => {
    const { emu } = bench;
    const other = await emu.admin.createInstance({ region: REGION });
    const taken = await emu.clients.cvm(REGION).CreateImage({ InstanceId: other, ImageName: 'taken-name' });
    const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
    const { failure, calls } = await refused({ region: REGION, instanceId, imageName: 'taken-name' });
    expect(failure.type).toBe('DuplicateImageName');
    expect(failure.message).toContain(
      `imageName: an image named "taken-name" already exists in this region (${taken.ImageId}, not made by this pipeline)`,
    );
    for (const a of MUTATING) expect(calls[a]).toBeUndefined();
  });

  it('fstab "check" refuses data-disk lines, listing them, and changes nothing in the guest', async () => {
    const { emu } = bench;
    const fixture = onlineInstanceWithDataDisk();
    const instanceId = await emu.admin.createInstance(fixture);
    const { failure, calls } = await refused({ region: REGION, instanceId, imageName: 'check-1', fstab: 'check' });
    expect(failure.type).toBe('FstabDataDiskLines');
    // The device, mount point, type and option names: never the line itself (options may carry credentials).
    expect(failure.message).toContain('line 5: UUID=6f1b2c3d-aaaa-4bbb-8ccc-0123456789ab /data ext4 defaults (on vdb');
    expect(calls.RunCommand).toBe(1);
    expect(calls.CreateImage).toBeUndefined();
    expect((await instanceView(emu, instanceId)).files['/etc/fstab']).toBe(fixture.files!['/etc/fstab']);
  });

  it('fstab "check" still refuses when 300 NFS lines come before the data line (TAT keeps 24 KB of output)', async () => {
    const { emu } = bench;
    const nfs = Array.from(
      { length: 300 },
      (_, i) => `nfs-${i}.example.internal:/exports/s-${i} /mnt/nfs-${i} nfs rw,_netdev 0 0`,
    );
    const fstab = [
      'LABEL=cloudimg-rootfs / ext4 defaults 0 1',
      ...nfs,
      'UUID=6f1b2c3d-aaaa-4bbb-8ccc-0123456789ab /data ext4 defaults 0 2',
      '',
    ].join('\n');
    const fixture = onlineInstanceWithDataDisk();
    const instanceId = await emu.admin.createInstance({ ...fixture, files: { ...fixture.files, '/etc/fstab': fstab } });
    const { failure, calls } = await refused({ region: REGION, instanceId, imageName: 'check-nfs', fstab: 'check' });
    expect(failure.type).toBe('FstabDataDiskLines');
    expect(failure.message).toContain('line 302: UUID=6f1b2c3d-aaaa-4bbb-8ccc-0123456789ab /data ext4');
    expect(calls.CreateImage).toBeUndefined();
  });

  it('an offline TAT agent is a clear error in fix mode', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk({ agentOnline: false }));
    const { failure, calls } = await refused({ region: REGION, instanceId, imageName: 'offline-1' });
    expect(failure.type).toBe('GuestAgentOffline');
    expect(failure.message).toContain(`the TAT agent of instance ${instanceId} is offline`);
    expect(failure.message).toContain('fstab: "ignore"');
    expect(calls.CreateImage).toBeUndefined();
  });
});

describe('dry run', () => {
  it('reports what it would do and changes nothing', async () => {
    const { emu } = bench;
    const fixture = onlineInstanceWithDataDisk({ createdTime: '2017-01-01T00:00:00Z' });
    const instanceId = await emu.admin.createInstance(fixture);
    const req0 = await emu.admin.requests();
    const state0 = await emu.admin.state();
    const result = await (await bench.start({ region: REGION, instanceId, imageName: 'dry-1', dryRun: true })).result();
    expect(result.dryRun).toBe(true);
    expect(result.imageId).toBeUndefined();
    expect(result.warnings.join('\n')).toMatch(/would stop ins-/);
    expect(result.warnings.join('\n')).toContain('/etc/fstab has 1 data-disk line(s); line 5: UUID=6f1b2c3d');
    const calls = callsBetween(req0, await emu.admin.requests());
    expect(calls.CreateImage).toBe(1); // with DryRun
    expect(calls.StopInstances).toBeUndefined();
    const { newImages } = await leftovers(emu, state0);
    expect(newImages).toEqual([]);
    const source = await waitFor(() => instanceView(emu, instanceId));
    expect([source.state, source.files['/etc/fstab']]).toEqual(['RUNNING', fixture.files!['/etc/fstab']]);
  });
});
