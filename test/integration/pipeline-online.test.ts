/**
 * The happy path the seed describes, against the dev server and the emulator through the real SDK: an
 * instance created from a public image after 2018-07 (imaged online), with a data disk mounted through
 * /etc/fstab, migrated as a snapshot and verified by launching an instance from the new image.
 */
import {
  startBench,
  instanceView,
  leftovers,
  onlineInstanceWithDataDisk,
  progressWhen,
  REGION,
  type PipelineBench,
} from '../helpers/pipeline';
import type { PipelineProgress } from '../../src/contract';

jest.setTimeout(60_000);

let bench: PipelineBench;
beforeAll(async () => {
  bench = await startBench();
});
afterAll(async () => bench?.close());

describe('createCustomImage: online instance with a data disk', () => {
  it('images it online, snapshots the data disk, launches and verifies, and leaves the source as it was', async () => {
    const { emu } = bench;
    const fixture = onlineInstanceWithDataDisk();
    const instanceId = await emu.admin.createInstance(fixture);
    const before = await emu.admin.state();
    const handle = await bench.start({
      region: REGION,
      instanceId,
      imageName: 'web-online-1',
      imageDescription: 'baked by the pipeline test',
      tags: { team: 'web' },
      launch: { count: 1 },
    });
    const result = await handle.result();

    expect(result.shutdownPerformed).toBe(false);
    expect(result.imageId).toMatch(/^img-/);
    expect(result.snapshotIds).toHaveLength(1);
    expect(result.launchedInstanceIds).toHaveLength(1);
    expect(result.stages.map((s) => s.name)).toEqual([
      'validating',
      'inspecting',
      'checking-quota',
      'preparing-fstab',
      'creating-image',
      'waiting-for-image',
      'restoring-fstab',
      'snapshotting-data-disks',
      'launching',
      'verifying-launch',
      'cleaning-up-launch',
    ]);
    expect(result.stages.every((s) => s.end && s.end >= s.start)).toBe(true);

    const { after, newImages, newSnapshots, newInstances } = await leftovers(emu, before);
    // Exactly one image (NORMAL, tagged), its system-disk snapshot, and our data-disk snapshot.
    expect(newImages.map((i) => [i.id, i.state])).toEqual([[result.imageId, 'NORMAL']]);
    const image = newImages[0];
    expect(image.tags).toEqual(
      expect.arrayContaining([
        { Key: 'team', Value: 'web' },
        { Key: 'cvm-image-pipeline:workflow-id', Value: handle.workflowId },
      ]),
    );
    // The image was taken with the data-disk line commented out (the seed's fstab caution).
    expect(image.files['/etc/fstab']).toMatch(/^#cvm-image-pipeline:[0-9a-f]{12}# UUID=6f1b2c3d/m);
    expect(image.files['/etc/fstab']).toContain('LABEL=cloudimg-rootfs / ext4 defaults 0 1');
    // No backup of the original fstab (credentials and all) travels in the image (#19 item 6).
    expect(Object.keys(image.files).filter((f) => f.includes('cvm-image-pipeline'))).toEqual([]);
    expect(newSnapshots.map((s) => s.id).sort()).toEqual([...image.snapshotIds, ...result.snapshotIds].sort());
    const dataSnap = after.snapshots.find((s) => s.id === result.snapshotIds[0])!;
    expect(dataSnap).toMatchObject({
      state: 'NORMAL',
      diskId: after.instances.find((i) => i.id === instanceId)!.dataDiskIds[0],
    });
    // The launched instance was verified and terminated (launch.keep is false); its disks went with it.
    expect(newInstances).toEqual([]);

    // The source instance: still RUNNING, /etc/fstab byte for byte as before, no backup left.
    const source = await instanceView(emu, instanceId);
    expect(source.state).toBe('RUNNING');
    expect(source.files['/etc/fstab']).toBe(fixture.files!['/etc/fstab']);
    expect(Object.keys(source.files).filter((f) => f.includes('cvm-image-pipeline'))).toEqual([]);

    // Progress query, search attributes, and a summary on every activity for the UI.
    const progress = await handle.query<PipelineProgress>('progress');
    expect(progress).toMatchObject({
      stage: 'completed',
      percent: 100,
      imageId: result.imageId,
      snapshotIds: result.snapshotIds,
    });
    const desc = await handle.describe();
    expect(desc.searchAttributes).toMatchObject({
      CvmRegion: [REGION],
      CvmInstanceId: [instanceId],
      CvmImageId: [result.imageId],
      CvmPipelineStage: ['completed'],
    });
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toBe(`**completed**: image ${result.imageId} is ready`);
    const history = await handle.fetchHistory();
    const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.length).toBeGreaterThan(10);
    for (const e of scheduled) expect(e.userMetadata?.summary?.data?.length).toBeGreaterThan(0);
  });

  it('a whole-machine image (dataDisks "include") brings the data disk to the launched instance', async () => {
    const { emu } = bench;
    const fixture = onlineInstanceWithDataDisk();
    const instanceId = await emu.admin.createInstance(fixture);
    const before = await emu.admin.state();
    const handle = await bench.start({
      region: REGION,
      instanceId,
      imageName: 'whole-machine-1',
      dataDisks: 'include',
      launch: { count: 1, keep: true },
    });
    const result = await handle.result();
    expect(result.snapshotIds).toEqual([]);
    const { newImages, newInstances } = await leftovers(emu, before);
    expect(newImages[0].snapshotIds).toHaveLength(2); // system disk and data disk, bound to the image
    // The image carries the data line active (nofail), not commented out: any instance launched from it
    // mounts the disk it brings (#13 item 7); the source gets its fstab back byte for byte.
    expect(newImages[0].files['/etc/fstab']).toMatch(/^UUID=6f1b2c3d-\S+ \/data ext4 defaults,nofail 0 2$/m);
    expect(newImages[0].files['/etc/fstab']).not.toMatch(/^#cvm-image-pipeline:[0-9a-f]{12}# /m);
    expect((await instanceView(emu, instanceId)).files['/etc/fstab']).toBe(fixture.files!['/etc/fstab']);
    expect(newInstances.map((i) => i.id)).toEqual(result.launchedInstanceIds);
    const launched = newInstances[0];
    expect([launched.state, launched.agentStatus, launched.dataDiskIds.length]).toEqual(['RUNNING', 'Online', 1]);
    expect(launched.files['/etc/fstab']).toMatch(/^UUID=6f1b2c3d-\S+\s\/data\sext4\sdefaults,nofail\s0 2$/m);
    expect(launched.files['/data/README']).toBe('business data\n');
    await emu.clients.cvm(REGION).TerminateInstances({ InstanceIds: result.launchedInstanceIds });
  });

  it('shows the snapshot Percent in progress while the data disk is snapshotted, ignoring malformed progress signals', async () => {
    const { emu } = bench;
    await emu.admin.config({ durations: { snapshotCreateMs: 3000 } });
    try {
      const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
      const handle = await bench.start({ region: REGION, instanceId, imageName: 'percent-1' });
      const during = await progressWhen(
        handle,
        (p) => p.stage === 'snapshotting-data-disks' && (p.stagePercent ?? 0) > 0 && (p.stagePercent ?? 100) < 100,
        'a snapshot percent between 0 and 100',
      );
      expect(during.percent).toBeGreaterThanOrEqual(66);
      expect(during.percent).toBeLessThan(84);
      expect(during.snapshotIds).toHaveLength(1);
      // The activities' internal signal, sent by anyone with a payload it does not expect: ignored, logged.
      for (const args of [[null], [], [{ kind: 'snapshot', percent: 'x' }], ['50'], [{ percent: 1e308 * 10 }]])
        await handle.signal('cvmImageWaitProgress', ...(args as [never]));
      const later = await progressWhen(handle, (p) => p.updatedAt > during.updatedAt, 'a later progress');
      expect(later.stage).not.toBe('failed');
      await handle.result();
      const { events } = await handle.fetchHistory();
      expect(events!.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
    } finally {
      await emu.admin.config({ durations: { snapshotCreateMs: 200 } });
    }
  });
});
