/**
 * Data safety (#13), against the dev server and the emulator through the real SDK: whatever one answer
 * of the cloud or one operator does, no pipeline loses its image and no source instance is left down.
 */
import { temporal } from '@temporalio/proto';
import { startLifecycle } from '../helpers/lifecycle';
import type { DeleteCustomImageResult } from '../../src/contract';
import { deleteImageSchedule, listImageSchedules, scheduleJanitor } from '../../src/client/schedules';
import type { FixtureInstance } from '../../src/emulator/cvm/fixtures';
import { FAST_DURATIONS, waitFor } from '../helpers/emulator';
import { RECONCILE_WORKFLOW_TYPE, type reconcileOrphans } from '../../src/workflows/reconcile-orphans';
import type { refreshCustomImage } from '../../src/workflows/refresh-custom-image';
import {
  REFRESH_WORKFLOW_TYPE,
  TAG_RUN_ID,
  TAG_WORKFLOW_ID,
  pipelineWorkflowId,
  type PipelineProgress,
} from '../../src/contract';
import {
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
  bench = await startBench();
  // More images than Tencent's default 10 live in this file's region at once.
  await bench.emu.admin.config({ imageQuota: { [REGION]: 50 } });
});
afterAll(async () => bench?.close());
afterEach(async () => {
  await bench.emu.admin.clearFaults();
  await bench.emu.admin.config({ durations: FAST_DURATIONS });
});

/** Created from a public image after 2018-07-01, no data disk: imaged online, nothing else to do. */
const plainOnline = (): FixtureInstance => ({
  region: REGION,
  createdTime: '2023-06-01T00:00:00Z',
  sourceImageType: 'PUBLIC_IMAGE',
});

describe('#13 item 1: one bad answer to the shared DescribeImages', () => {
  it('AuthFailure.SignatureExpire once: every pipeline waiting in the region still completes', async () => {
    const { emu } = bench;
    await emu.admin.config({ durations: { ...FAST_DURATIONS, imageCreateMs: 2500 } });
    const ids = await Promise.all([1, 2, 3].map(() => emu.admin.createInstance(plainOnline())));
    const state0 = await emu.admin.state();
    const handles = await Promise.all(
      ids.map((instanceId, n) => bench.start({ region: REGION, instanceId, imageName: `one-bad-answer-${n}` })),
    );
    await Promise.all(handles.map((h) => progressWhen(h, (p) => p.stage === 'waiting-for-image', 'image wait')));
    await emu.admin.faults({
      rules: [{ action: 'DescribeImages', region: REGION, error: 'AuthFailure.SignatureExpire', count: 1 }],
    });
    const results = await Promise.all(handles.map((h) => h.result()));
    expect(results.map((r) => r.imageId)).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
    expect((await emu.admin.listFaults()).fired).toBe(1);
    const { newImages } = await leftovers(emu, state0);
    expect(newImages.map((i) => i.id).sort()).toEqual(results.map((r) => r.imageId).sort());
    for (const id of ids) expect((await instanceView(emu, id)).state).toBe('RUNNING');
  });
});

describe('#13 item 4: copyToRegions adopts only its own copies', () => {
  it('a leftover copy of another (deleted) image with the same name is neither reported nor touched', async () => {
    const { emu } = bench;
    const COPY_REGION = 'ap-shanghai';
    const state = async (id: string) => (await emu.admin.state()).images.find((i) => i.id === id)?.state;
    // Someone else's image "published", copied to ap-shanghai, then deleted at home: its copy stays.
    const other = await emu.admin.createInstance(plainOnline());
    const cvm = emu.clients.cvm(REGION);
    const { ImageId: foreign } = await cvm.CreateImage({ InstanceId: other, ImageName: 'published' });
    await waitFor(async () => (await state(foreign!)) === 'NORMAL', { what: 'the foreign image' });
    const sync = await cvm.SyncImages({
      ImageIds: [foreign!],
      DestinationRegions: [COPY_REGION],
      ImageSetRequired: true,
    });
    const leftover = sync.ImageSet![0].ImageId!;
    await waitFor(async () => (await state(leftover)) === 'NORMAL', { what: 'the foreign copy' });
    await cvm.DeleteImages({ ImageIds: [foreign!], DeleteBindedSnap: true });
    await waitFor(async () => (await state(foreign!)) === undefined, { what: 'the foreign image gone' });

    const instanceId = await emu.admin.createInstance(plainOnline());
    const handle = await bench.start({
      region: REGION,
      instanceId,
      imageName: 'published',
      copyToRegions: [COPY_REGION],
    });
    // Tencent may refuse the copy (InvalidImageName.Duplicate) or make one: either way never adopt the leftover.
    const result = await handle.result().catch(() => undefined);
    if (result) expect(result.copies?.map((c) => c.imageId)).not.toContain(leftover);
    expect(await state(leftover)).toBe('NORMAL');
  });
});

const janitor = (apply: boolean) =>
  bench.client.workflow.execute<typeof reconcileOrphans>(RECONCILE_WORKFLOW_TYPE, {
    taskQueue: bench.taskQueue,
    workflowId: `janitor-test-${apply ? 'apply' : 'dry'}-${Date.now()}`,
    args: [{ region: REGION, apply }],
  });

describe('#13 item 11: the janitor (reconcileOrphans)', () => {
  it('after a terminated run: dry run reports, apply undoes it as compensation would; completed and foreign kept', async () => {
    const { emu } = bench;
    // A completed run's image and an untagged image: never touched.
    const keeperSource = await emu.admin.createInstance(plainOnline());
    const kept = await (await bench.start({ region: REGION, instanceId: keeperSource, imageName: 'kept' })).result();
    const foreignSource = await emu.admin.createInstance(plainOnline());
    const { ImageId: foreign } = await emu.clients
      .cvm(REGION)
      .CreateImage({ InstanceId: foreignSource, ImageName: 'foreign' });

    // Terminated while waiting for its image: stopped instance, data line commented out, image CREATING.
    await emu.admin.config({ durations: { ...FAST_DURATIONS, imageCreateMs: 2000 } });
    const instanceId = await emu.admin.createInstance(
      onlineInstanceWithDataDisk({ createdTime: '2017-03-01T00:00:00Z' }),
    );
    const original = await instanceView(emu, instanceId);
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'terminated' });
    const p = await progressWhen(handle, (x) => x.stage === 'waiting-for-image' && !!x.imageId, 'image wait');
    await handle.terminate('operator thought it was stuck');
    expect((await instanceView(emu, instanceId)).state).toBe('STOPPED');

    const dry = await janitor(false);
    const orphan = dry.runs.find((r) => r.workflowId === handle.workflowId);
    expect(orphan).toMatchObject({
      status: 'TERMINATED',
      images: [expect.objectContaining({ imageId: p.imageId })],
      source: { instanceId, start: true, restoreFstab: true },
    });
    expect(dry.runs.flatMap((r) => r.images.map((i) => i.imageId))).not.toContain(kept.imageId);
    expect(dry.undone).toEqual([]);
    expect((await instanceView(emu, instanceId)).state).toBe('STOPPED'); // a dry run changes nothing

    const applied = await janitor(true);
    expect(applied.undone.length).toBeGreaterThan(0);
    const state = await emu.admin.state();
    const ids = state.images.map((i) => i.id);
    expect(ids).not.toContain(p.imageId);
    expect(ids).toEqual(expect.arrayContaining([kept.imageId, foreign]));
    const source = await instanceView(emu, instanceId);
    expect(source.state).toBe('RUNNING');
    expect(source.files['/etc/fstab']).toBe(original.files['/etc/fstab']);
    // Nothing of the terminated run is left: a second pass finds nothing.
    expect((await janitor(false)).runs.filter((r) => r.workflowId === handle.workflowId)).toEqual([]);
  });
});

describe('the janitor when a source instance is gone', () => {
  it('reports the source as skipped, undoes the rest and completes (an earlier pass failed on it for ever)', async () => {
    const { emu } = bench;
    await emu.admin.config({ durations: { ...FAST_DURATIONS, imageCreateMs: 2000 } });
    const instanceId = await emu.admin.createInstance(
      onlineInstanceWithDataDisk({ createdTime: '2017-03-01T00:00:00Z' }), // stopped to be imaged
    );
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'source-gone' });
    const p = await progressWhen(handle, (x) => x.stage === 'waiting-for-image' && !!x.imageId, 'image wait');
    await handle.terminate('operator thought it was stuck');
    await waitFor(async () => (await emu.admin.state()).images.find((i) => i.id === p.imageId)?.state === 'NORMAL', {
      what: 'the image made (Tencent refuses to release an instance while it is imaged)',
    });
    // The owner then releases the stopped source: nothing is left to start or to restore.
    await emu.clients.cvm(REGION).TerminateInstances({ InstanceIds: [instanceId] });
    await waitFor(
      async () => ((await instanceView(emu, instanceId).catch(() => undefined))?.state ?? 'GONE') !== 'STOPPED',
      {
        what: 'the source released',
      },
    );

    const applied = await janitor(true);
    expect(applied.skippedSources).toContainEqual({
      instanceId,
      start: true,
      restoreFstab: true,
      reason: expect.stringMatching(/no longer exists|is (SHUTDOWN|TERMINATING)/),
    });
    expect(applied.runs.find((r) => r.workflowId === handle.workflowId)?.source).toBeUndefined();
    expect((await emu.admin.state()).images.map((i) => i.id)).not.toContain(p.imageId);
  });
});

describe('#13 item 11: the janitor after a run terminated mid-stop', () => {
  it('a StopInstances still in flight when the run was terminated lands anyway: the source is started again', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance(
      onlineInstanceWithDataDisk({ createdTime: '2017-03-01T00:00:00Z' }), // must be stopped to be imaged
    );
    const original = await instanceView(emu, instanceId);
    await emu.admin.faults({ rules: [{ action: 'StopInstances', region: REGION, latencyMs: 3000 }] });
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'terminated-mid-stop' });
    const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
    await waitFor(
      async () =>
        (await handle.describe()).raw.pendingActivities?.some(
          (a) => a.activityType?.name === 'stopInstance' && a.state === STARTED,
        )
          ? true
          : undefined,
      { what: 'the StopInstances call to be in flight', intervalMs: 20 },
    );
    await handle.terminate('operator: stop it now');
    await waitFor(async () => ((await instanceView(emu, instanceId)).state === 'STOPPED' ? true : undefined), {
      what: 'the StopInstances sent before the termination to land',
      timeoutMs: 30_000,
    });

    const orphan = (await janitor(false)).runs.find((r) => r.workflowId === handle.workflowId);
    expect(orphan?.source).toEqual({ instanceId, start: true, restoreFstab: true });
    await janitor(true);
    const source = await instanceView(emu, instanceId);
    expect(source.state).toBe('RUNNING');
    expect(source.files['/etc/fstab']).toBe(original.files['/etc/fstab']);
  });
});

describe('#19 item 1: the janitor after a completed run', () => {
  it('finds what landed after the run ended (tagged with it, absent from its result) and deletes only that', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'completed-then-stray' });
    const kept = await handle.result();
    expect(kept.snapshotIds).toHaveLength(1);
    // A CreateSnapshot and a CreateImage of this run that Tencent applied after the run had ended.
    const { runId } = await handle.describe();
    const tags = [
      { Key: TAG_WORKFLOW_ID, Value: handle.workflowId },
      { Key: TAG_RUN_ID, Value: runId },
    ];
    const disk = (await instanceView(emu, instanceId)).dataDiskIds[0];
    const { SnapshotId: straySnapshot } = await emu.clients
      .cbs(REGION)
      .CreateSnapshot({ DiskId: disk, SnapshotName: 'late', Tags: tags });
    const { ImageId: strayImage } = await emu.clients.cvm(REGION).CreateImage({
      InstanceId: instanceId,
      ImageName: 'completed-then-stray-late',
      TagSpecification: [{ ResourceType: 'image', Tags: tags }],
    });
    await waitFor(
      async () =>
        (await emu.admin.state()).images.find((i) => i.id === strayImage)?.state === 'NORMAL' ? true : undefined,
      { what: 'the stray image to be NORMAL' },
    );

    const report = (await janitor(false)).runs.find((r) => r.runId === runId);
    expect(report).toMatchObject({
      status: 'COMPLETED',
      images: [expect.objectContaining({ imageId: strayImage })],
      snapshotIds: [straySnapshot],
      instanceIds: [],
      copies: [],
    });
    expect(report?.source).toBeUndefined(); // the run restored its source itself

    await janitor(true);
    const state = await emu.admin.state();
    expect(state.images.map((i) => i.id)).toEqual(expect.arrayContaining([kept.imageId]));
    expect(state.images.map((i) => i.id)).not.toContain(strayImage);
    expect(state.snapshots.map((x) => x.id)).toEqual(expect.arrayContaining(kept.snapshotIds));
    expect(state.snapshots.map((x) => x.id)).not.toContain(straySnapshot);
    expect((await janitor(false)).runs.filter((r) => r.runId === runId)).toEqual([]);
  });
});

describe('#13 item 2: terminating a refresh cancels its pipeline (never terminates it)', () => {
  it('the child compensates: source RUNNING with its fstab, no image left', async () => {
    const { emu } = bench;
    await emu.admin.config({ durations: { ...FAST_DURATIONS, imageCreateMs: 2000 } });
    const instanceId = await emu.admin.createInstance(
      onlineInstanceWithDataDisk({ createdTime: '2017-03-01T00:00:00Z' }),
    );
    const original = await instanceView(emu, instanceId);
    const state0 = await emu.admin.state();
    const parent = await bench.client.workflow.start<typeof refreshCustomImage>(REFRESH_WORKFLOW_TYPE, {
      taskQueue: bench.taskQueue,
      workflowId: `refresh-terminated-${instanceId}`,
      args: [{ pipeline: { region: REGION, instanceId, imageName: 'refreshed' } }],
    });
    const child = bench.client.workflow.getHandle(pipelineWorkflowId(REGION, instanceId));
    await waitFor(
      async () =>
        (await child.query<PipelineProgress>('progress').catch(() => undefined))?.stage === 'waiting-for-image',
      {
        what: 'the child waiting for its image',
        timeoutMs: 30_000,
      },
    );
    await parent.terminate('operator thought it was stuck');
    await expect(child.result()).rejects.toThrow();
    expect((await child.describe()).status.name).toBe('CANCELLED');
    const source = await instanceView(emu, instanceId);
    expect(source.state).toBe('RUNNING');
    expect(source.files['/etc/fstab']).toBe(original.files['/etc/fstab']);
    expect((await leftovers(emu, state0)).newImages).toEqual([]);
  });
});

describe('#13 item 9: an instance stopped by hand during the approval wait', () => {
  it('is re-inspected after the approval: not counted as stopped by the pipeline, so not started at the end', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance({ ...plainOnline(), createdTime: '2017-03-01T00:00:00Z' });
    const handle = await bench.start({
      region: REGION,
      instanceId,
      imageName: 'hand-stopped',
      approval: { required: true },
    });
    await progressWhen(handle, (p) => p.stage === 'awaiting-approval', 'the approval wait');
    await emu.clients.cvm(REGION).StopInstances({ InstanceIds: [instanceId] });
    await waitFor(async () => (await instanceView(emu, instanceId)).state === 'STOPPED', { what: 'the hand stop' });
    await handle.executeUpdate('approveShutdown');
    const result = await handle.result();
    expect(result.shutdownPerformed).toBe(false);
    expect((await instanceView(emu, instanceId)).state).toBe('STOPPED');
  });
});

describe('#13 item 5 and #19 item 7: restoring the source outlasts the cloud', () => {
  const stoppedRun = async (imageName: string) => {
    const instanceId = await bench.emu.admin.createInstance({ ...plainOnline(), createdTime: '2017-03-01T00:00:00Z' });
    return { instanceId, handle: await bench.start({ region: REGION, instanceId, imageName }) };
  };

  it('AuthFailure on StartInstances is retried (undo steps are not given one attempt)', async () => {
    await bench.emu.admin.faults({
      rules: [{ action: 'StartInstances', error: 'AuthFailure.SecretIdNotFound', count: 2 }],
    });
    const { instanceId, handle } = await stoppedRun('auth-outlasted');
    expect((await handle.result()).shutdownPerformed).toBe(true);
    expect((await instanceView(bench.emu, instanceId)).state).toBe('RUNNING');
  });

  it('a restart refused beyond its retries: stage restoring-instance while it retries, then RUNNING', async () => {
    await bench.emu.admin.faults({ rules: [{ action: 'StartInstances', error: 'UnsupportedOperation', count: 1 }] });
    const { instanceId, handle } = await stoppedRun('restore-retried');
    await progressWhen(handle, (p) => p.stage === 'restoring-instance', 'stage restoring-instance');
    await expect(handle.executeUpdate('abandonRestore', { args: [123] })).rejects.toThrow();
    expect((await handle.result()).shutdownPerformed).toBe(true);
    expect((await instanceView(bench.emu, instanceId)).state).toBe('RUNNING');
  });

  it('abandonRestore: the operator decides; the instance is reported as left behind', async () => {
    await bench.emu.admin.faults({ rules: [{ action: 'StartInstances', error: 'UnsupportedOperation' }] });
    const { instanceId, handle } = await stoppedRun('restore-abandoned');
    await expect(handle.executeUpdate('abandonRestore', { args: ['too early'] })).rejects.toThrow();
    await progressWhen(handle, (p) => p.stage === 'restoring-instance', 'stage restoring-instance');
    await handle.executeUpdate('abandonRestore', { args: ['started it by hand'] });
    const failure = await failureOf(handle);
    expect(failure.type).toBe('CompensationIncomplete');
    expect(failure.message).toContain(instanceId);
    expect(failure.message).toContain('started it by hand');
  });
});

describe('the janitor on a schedule', () => {
  it('is created through the schedules module and listed as a janitor schedule', async () => {
    const id = await scheduleJanitor(
      bench.client,
      { region: REGION },
      { taskQueue: bench.taskQueue, timing: { every: '1d' }, scheduleId: `janitor-${Date.now()}` },
    );
    try {
      // The schedule list is read from visibility, which is eventually consistent: a schedule just created can be
      // missing for a moment (a clean-clone CI run under load read it absent).
      const listed = await waitFor(
        async () => (await listImageSchedules(bench.client)).find((s) => s.scheduleId === id),
        {
          timeoutMs: 30_000,
          intervalMs: 250,
          what: `schedule ${id} in the list`,
        },
      );
      expect(listed).toMatchObject({ kind: 'janitor', timing: 'every 1d', summary: `Janitor for ${REGION}, dry run` });
      await expect(
        scheduleJanitor(bench.client, { region: 'Mars' }, { taskQueue: bench.taskQueue, timing: { every: '1d' } }),
      ).rejects.toThrow('region');
    } finally {
      await deleteImageSchedule(bench.client, id);
    }
  });
});

describe('#13 item 3: data-disk snapshots inside the stopped window', () => {
  /** Activity types in the order the run scheduled them. */
  async function scheduled(handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }): Promise<string[]> {
    const history = await handle.fetchHistory();
    return (history.events ?? []).flatMap((e) => {
      const name = (e as { activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } })
        .activityTaskScheduledEventAttributes?.activityType?.name;
      return name ? [name] : [];
    });
  }

  it('stopped by the run: CreateSnapshot of the data disk before StartInstances, result says "stopped"', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance(
      onlineInstanceWithDataDisk({ createdTime: '2017-03-01T00:00:00Z' }),
    );
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'quiet-window' });
    const result = await handle.result();
    expect(result.shutdownPerformed).toBe(true);
    expect(result.snapshotIds).toHaveLength(1);
    expect(result.dataDiskConsistency).toBe('stopped');
    const order = await scheduled(handle);
    expect(order.indexOf('createSnapshot')).toBeGreaterThan(order.indexOf('stopInstance'));
    expect(order.indexOf('createSnapshot')).toBeLessThan(order.indexOf('startInstance'));
    expect((await instanceView(emu, instanceId)).state).toBe('RUNNING');
  });

  it('online: sync in the guest over TAT before the image, result says "crash-consistent"', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
    const handle = await bench.start({ region: REGION, instanceId, imageName: 'online-sync' });
    const result = await handle.result();
    expect(result.shutdownPerformed).toBe(false);
    expect(result.dataDiskConsistency).toBe('crash-consistent');
    const order = await scheduled(handle);
    expect(order.indexOf('syncGuest')).toBeGreaterThan(-1);
    expect(order.indexOf('syncGuest')).toBeLessThan(order.indexOf('createImage'));
    expect(order.indexOf('createSnapshot')).toBeLessThan(order.indexOf('waitForImage'));
    expect(result.warnings.join('\n')).not.toMatch(/could not run sync/);
  });
});

describe('#13 item 11: copies in other regions', () => {
  const COPY_REGION = 'ap-shanghai';
  beforeAll(async () => bench.emu.admin.config({ imageQuota: 50 })); // the file's earlier images count too
  const imageIn = async (region: string, name: string) =>
    (await bench.emu.admin.state()).images.filter((i) => i.region === region && i.name === name);

  it('deleteCustomImage also deletes the copies its run made', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance(plainOnline());
    const made = await (
      await bench.start({ region: REGION, instanceId, imageName: 'copied-then-deleted', copyToRegions: [COPY_REGION] })
    ).result();
    expect(made.copies).toEqual([{ region: COPY_REGION, imageId: expect.any(String) }]);
    const handle = await startLifecycle<DeleteCustomImageResult>(bench, 'deleteCustomImage', {
      region: REGION,
      imageId: made.imageId,
    });
    const deleted = await handle.result();
    expect(deleted.deletedCopies).toEqual(made.copies);
    const ids = (await emu.admin.state()).images.map((i) => i.id);
    expect(ids).not.toContain(made.imageId);
    expect(ids).not.toContain(made.copies![0].imageId);
  });

  it('the janitor finds the copy of a run terminated while SyncImages was in flight, and deletes it', async () => {
    const { emu } = bench;
    const instanceId = await emu.admin.createInstance(plainOnline());
    await emu.admin.faults({ rules: [{ action: 'SyncImages', region: REGION, latencyMs: 3000, count: 1 }] });
    const handle = await bench.start({
      region: REGION,
      instanceId,
      imageName: 'cut-mid-copy',
      copyToRegions: [COPY_REGION],
    });
    await progressWhen(handle, (p) => p.stage === 'copying-image', 'the copy step');
    await handle.terminate('operator thought it was stuck');
    // The call was sent: the cloud makes the copy, whose id reaches no history.
    const [copy] = await waitFor(
      async () => {
        const found = await imageIn(COPY_REGION, 'cut-mid-copy');
        return found.length ? found : undefined;
      },
      { what: 'the copy made after the run was terminated', timeoutMs: 15_000 },
    );
    const janitor = (apply: boolean) =>
      bench.client.workflow.execute<typeof reconcileOrphans>(RECONCILE_WORKFLOW_TYPE, {
        taskQueue: bench.taskQueue,
        workflowId: `janitor-copies-${apply ? 'apply' : 'dry'}-${Date.now()}`,
        args: [{ region: REGION, apply }],
      });
    const dry = await janitor(false);
    expect(dry.runs.find((r) => r.workflowId === handle.workflowId)?.copies).toEqual([
      { region: COPY_REGION, imageId: copy.id },
    ]);
    await janitor(true);
    await waitFor(async () => ((await imageIn(COPY_REGION, 'cut-mid-copy')).length ? undefined : true), {
      what: 'the copy gone',
      timeoutMs: 15_000,
    });
  });
});
