/**
 * `createCustomImage`: Tencent's "create a custom image from an instance" procedure as a durable run, in
 * the seed document's order. Every step that changes the cloud registers its undo first (saga.ts); on
 * failure or cancellation the undo steps run newest first and the instance ends as it started.
 */
import { ApplicationFailure, isCancellation, log, patched, setHandler } from '@temporalio/workflow';
import {
  NON_RETRYABLE,
  type FstabLine,
  DESCRIPTIONS,
  isWaitProgress,
  progressQuery,
  waitProgressSignal,
  type CreateCustomImageInput,
  type CreateCustomImageResult,
  type DataDiskMode,
} from '../contract';
import { ShutdownApproval } from './approval';
import { awaitShutdownApproval } from './approval-step';
import { calls, run, undo, waits, within } from './activity-proxies';
import { decideShutdown } from './decisions';
import { distribute } from './distribute-step';
import { dryRun } from './dry-run';
import { fstabRefusal, planFstabFix, planGuestPrep } from './fstab-step';
import { createImage } from './image-step';
import { launchAndVerify } from './launch-step';
import { PipelineTracker } from './progress';
import { RECONCILE_PATCH, reconcileLateCalls, type LateCheck } from './reconcile-step';
import type { PipelineRun } from './run-context';
import { checkQuota } from './quota-step';
import { Saga, compensationIncomplete } from './saga';
import {
  awaitDataDiskSnapshots,
  createDataDiskSnapshots,
  flushGuest,
  SNAPSHOTS_WITH_IMAGE_PATCH,
  snapshotDataDisks,
} from './snapshot-step';
import { SourceRestore } from './source-restore';
import { failureType, stageFailure, withUndone } from './stage-failure';
import { invalidInput, validateInput } from './validation';

export async function createCustomImage(raw: CreateCustomImageInput): Promise<CreateCustomImageResult> {
  const tracker = new PipelineTracker();
  const saga = new Saga();
  const approval = new ShutdownApproval();
  setHandler(progressQuery, () => tracker.progress, { description: DESCRIPTIONS.progress });
  setHandler(
    waitProgressSignal,
    (p) => {
      if (!isWaitProgress(p)) log.warn('ignored a malformed wait-progress signal', { payload: typeof p });
      else if (tracker.progress.stage === 'snapshotting-data-disks') tracker.stageProgress(p.percent);
    },
    { description: DESCRIPTIONS.waitProgress },
  );
  approval.install();
  const restore = new SourceRestore(tracker);
  restore.install();
  const warnings: string[] = [];
  /** The result so far: the workflow alone writes it, from what each step returns. */
  const result: CreateCustomImageResult = {
    snapshotIds: [],
    launchedInstanceIds: [],
    shutdownPerformed: false,
    stages: tracker.stages,
    warnings,
  };
  /** Set once the run may change the cloud: what its final reconciliation re-checks. */
  let late: LateCheck | undefined;

  try {
    // 1. Validate before any cloud call.
    tracker.enter('validating', 'checking the input');
    const input = validateInput(raw);
    tracker.identify(input.region, input.instanceId);
    const where = { region: input.region, instanceId: input.instanceId };

    // 2. Inspect the instance (waits while an operation is running on it).
    tracker.enter(
      'inspecting',
      `reading instance ${input.instanceId} in ${input.region}`,
      `instance ${input.instanceId} to be idle`,
    );
    const instance = await run(
      waits.inspectInstance,
      `Inspect instance ${input.instanceId} (${input.region})`,
      [where],
      within(input.timeoutsMs.instance),
    );
    const dataDisks: DataDiskMode = input.dataDisks ?? (instance.dataDisks.length ? 'snapshot' : 'exclude');
    const shutdown = decideShutdown(input.shutdown, instance);
    if ('refuse' in shutdown)
      throw invalidInput([{ field: 'shutdown', message: shutdown.refuse.replace(/^shutdown: /, '') }]);
    let pipeline: PipelineRun = { input, instance, where, tracker, saga, warn: (text) => warnings.push(text) };
    let guestPrep = planGuestPrep(pipeline);
    let stop = shutdown.stop;

    // 3. Quota, and the name not taken by someone else's image.
    tracker.enter('checking-quota', `counting custom images in ${input.region}`);
    const quota = await checkQuota(pipeline); // rotateWhenFull: rotation first, then again
    if (quota.rotatedImageIds) result.rotatedImageIds = quota.rotatedImageIds;
    log.info('image quota', { used: quota.report.used, quota: quota.report.quota });

    if (input.dryRun) {
      await dryRun(pipeline, { guestPrep, stop: shutdown.stop, reason: shutdown.reason });
      return { ...result, dryRun: true };
    }

    // 4. The shutdown decision needs a person's approval when asked for: given before anything changes.
    if (shutdown.stop && input.approval.required) {
      ({ pipeline, guestPrep, stop } = await awaitShutdownApproval(
        { pipeline, guestPrep, stop },
        shutdown.reason,
        approval,
      ));
    } else if (input.approval.required) {
      warnings.push(`approval was required but no shutdown is needed (${shutdown.reason})`);
    }

    // From the first mutation on, the run's final reconciliation re-checks what a late call may change.
    const mutating = () => (late ??= { pipeline, fstabEdited: false });

    // 5. Guest preparation: data-disk lines out of /etc/fstab (seed caution), or refuse in check mode.
    let fstabLines: FstabLine[] = [];
    let forgetFstab = () => {};
    // A run that stopped the source may see a stop of its own land after its restart (a late StopInstances).
    const restoreArgs = { ...where, startIfStopped: stop };
    if (guestPrep) {
      tracker.enter(
        'preparing-fstab',
        `${input.fstab === 'fix' ? 'commenting out' : 'looking for'} data-disk lines in /etc/fstab`,
      );
      if (input.fstab === 'check') {
        const scan = await run(calls.scanFstab, `Check /etc/fstab of ${input.instanceId} for data-disk lines`, [where]);
        if (scan.dataLines.length) throw fstabRefusal(input.instanceId, scan.dataLines, scan.dataLineCount);
      } else {
        forgetFstab = saga.add({
          name: 'restore /etc/fstab',
          resources: () => [input.instanceId],
          run: () =>
            run(undo.restoreFstab, `Undo: restore /etc/fstab on ${input.instanceId}`, [restoreArgs]).then(
              () => undefined,
            ),
        });
        const fix = planFstabFix(input.instanceId, where, dataDisks);
        mutating().fstabEdited = true;
        const fixed = await run(calls.fixFstab, fix.summary, [fix.args]).catch((err) => {
          // TAT refused to deliver the script (agent offline, instance not running): nothing ran.
          if (failureType(err) === NON_RETRYABLE.guestAgentOffline) {
            forgetFstab();
            mutating().fstabEdited = false;
          }
          throw err;
        });
        fstabLines = fixed.dataLines;
        if (!fstabLines.length) forgetFstab();
        else warnings.push(fix.warning(fixed));
      }
    }

    // 6. Shut down (soft first) when the decision says so, and wait for STOPPED.
    let forgetStart = () => {};
    if (stop) {
      tracker.enter(
        'stopping',
        `stopping ${input.instanceId}: ${shutdown.reason}`,
        `instance ${input.instanceId} to be STOPPED`,
      );
      mutating();
      forgetStart = saga.add({
        name: 'start the instance again',
        resources: () => [input.instanceId],
        run: () => restore.start(input, `Undo: start ${input.instanceId} again`),
      });
      await run(calls.stopInstance, `Stop ${input.instanceId} (SOFT_FIRST)`, [where]);
      await run(
        waits.waitForInstances,
        `Wait for ${input.instanceId} to be STOPPED`,
        [{ region: input.region, instanceIds: [input.instanceId], target: 'STOPPED' }],
        within(input.timeoutsMs.instance),
      );
      result.shutdownPerformed = true;
    }

    // #13 item 3: data-disk snapshots taken with the image, inside the window where this run keeps the
    // instance stopped (before StartInstances), instead of from the running application after the restart.
    const wantsSnapshots = dataDisks === 'snapshot' && pipeline.instance.dataDisks.length > 0;
    const snapshotsWithImage = wantsSnapshots && patched(SNAPSHOTS_WITH_IMAGE_PATCH);
    if (snapshotsWithImage) {
      const quiet = result.shutdownPerformed || pipeline.instance.state === 'STOPPED';
      result.dataDiskConsistency = quiet ? 'stopped' : 'crash-consistent';
      if (!quiet) await flushGuest(pipeline);
    }

    // 7. CreateImage (README's step numbers): tagged with the run, adopted on a retry instead of made twice.
    const lateCheck = mutating();
    const imageId = await createImage(pipeline, dataDisks, result.shutdownPerformed);
    result.imageId = imageId;

    const pending = snapshotsWithImage ? await createDataDiskSnapshots(pipeline) : undefined;

    // 7, then long polling in the worker until NORMAL (CREATEFAILED fails at once), bounded by timeouts.image.
    tracker.enter('waiting-for-image', `image ${imageId} is being created`, `image ${imageId} to become NORMAL`);
    const ready = await run(
      waits.waitForImage,
      `Wait for image ${imageId} to become NORMAL`,
      [{ region: input.region, imageId }],
      within(input.timeoutsMs.image),
    );

    // 8. Restart the instance if this run stopped it, then put /etc/fstab back (TAT needs it running).
    if (result.shutdownPerformed) {
      tracker.enter('starting', `starting ${input.instanceId} again`, `instance ${input.instanceId} to be RUNNING`);
      await restore.start(input, `Start ${input.instanceId} again`);
      forgetStart();
    }
    if (fstabLines.length) {
      tracker.enter('restoring-fstab', `restoring the data-disk lines of /etc/fstab on ${input.instanceId}`);
      await run(undo.restoreFstab, `Restore /etc/fstab on ${input.instanceId}`, [restoreArgs]);
      forgetFstab();
    }

    // 9. Best practice: each data disk travels as a snapshot, to become the new instance's data disk.
    if (pending)
      tracker.enter(
        'snapshotting-data-disks',
        `data-disk snapshots ${pending.snapshotIds.join(', ')} are being created`,
        `snapshots ${pending.snapshotIds.join(', ')} to become NORMAL`,
      );
    const snapshots = pending
      ? await awaitDataDiskSnapshots(pipeline, pending)
      : dataDisks === 'snapshot' && instance.dataDisks.length
        ? await snapshotDataDisks(pipeline)
        : { snapshotIds: [], disks: [] };
    result.snapshotIds = snapshots.snapshotIds;
    result.snapshotGb = (ready.snapshotGb ?? 0) + snapshots.disks.reduce((sum, s) => sum + s.sizeGb, 0);

    // 10. Copies to other regions and sharing (options; undone by compensation if a later step fails).
    Object.assign(result, await distribute(pipeline, imageId));

    // 10, then launch from the image (data disks from the snapshots), verify it boots, then terminate unless kept.
    if (input.launch) {
      const plan = { imageId, disks: snapshots.disks, fstabLines, wholeMachine: dataDisks === 'include' };
      result.launchedInstanceIds = await launchAndVerify(pipeline, plan);
    }

    // 11. Calls the cloud applied after the client gave up: source, fstab and stray resources made right.
    if (patched(RECONCILE_PATCH)) await reconcileLateCalls(lateCheck, result, (text) => warnings.push(text));

    tracker.enter('completed', `image ${imageId} is ready`);
    return result;
  } catch (err) {
    const cancelled = isCancellation(err);
    const failure = cancelled ? err : stageFailure(tracker.progress.stage, err);
    tracker.failing();
    if (saga.pending.length) {
      tracker.enter('compensating', `undoing: ${[...saga.pending].reverse().join(', ')}`);
      const leaks = await saga.compensate();
      tracker.undid(saga.undone);
      if (leaks.length) {
        tracker.enter('failed', `cleanup incomplete: ${leaks.map((l) => l.resources.join(', ')).join('; ')}`);
        throw compensationIncomplete(leaks, failure);
      }
    }
    if (late && patched(RECONCILE_PATCH)) {
      const notes: string[] = [];
      await reconcileLateCalls(late, undefined, (text) => notes.push(text)).catch((e: Error) =>
        notes.push(`reconciling late-applied calls failed: ${e.message}`),
      );
      if (notes.length) tracker.undid([...saga.undone, ...notes.map((step) => ({ step, resources: [] }))]);
    }
    const { failedStage, undone } = tracker.progress;
    const undoneText = undone?.length ? `undone: ${undone.join('; ')}` : 'nothing to undo (no change had been made)';
    tracker.enter(
      cancelled ? 'cancelled' : 'failed',
      cancelled
        ? `cancelled in ${failedStage}; ${undoneText}`
        : `in ${failedStage}: ${(failure as Error).message}; ${undoneText}`,
    );
    throw cancelled || !undone?.length ? failure : withUndone(failure as ApplicationFailure, undoneText);
  }
}
