/**
 * The run's last step, on the normal path and after compensation (#19 item 1): calls the cloud applied
 * after the client gave up are repaired (src/activities/reconcile.ts says what and why). Gated by
 * `patched('reconcile-late-calls')` at its call sites so runs recorded without it replay unchanged.
 */
import { CancellationScope, log, workflowInfo } from '@temporalio/workflow';
import type { CreateCustomImageResult } from '../contract';
import { run, undo } from './activity-proxies';
import type { PipelineRun } from './run-context';

export const RECONCILE_PATCH = 'reconcile-late-calls';

export interface LateCheck {
  pipeline: PipelineRun;
  /** The run tried to edit /etc/fstab (a fix was sent). */
  fstabEdited: boolean;
}

/** Removed ids and a restarted source become warnings on the result; nothing kept changes. */
export async function reconcileLateCalls(
  late: LateCheck,
  result: Pick<CreateCustomImageResult, 'imageId' | 'snapshotIds' | 'launchedInstanceIds'> | undefined,
  warn: (text: string) => void,
): Promise<void> {
  const { input, instance } = late.pipeline;
  const report = await CancellationScope.nonCancellable(() =>
    run(undo.reconcileRun, `Reconcile late-applied calls on ${input.instanceId} (${input.region})`, [
      {
        region: input.region,
        instanceId: input.instanceId,
        sourceState: instance.state,
        restoreFstab: late.fstabEdited,
        dataDiskIds: instance.dataDisks.map((d) => d.diskId),
        keep: {
          imageIds: result?.imageId ? [result.imageId] : [],
          snapshotIds: result?.snapshotIds ?? [],
          instanceIds: result?.launchedInstanceIds ?? [],
        },
        runStartMs: workflowInfo().runStartTime.getTime(),
      },
    ]),
  );
  const { removed } = report;
  const ids = [...removed.imageIds, ...removed.snapshotIds, ...removed.instanceIds];
  if (ids.length) warn(`removed resources a late-applied call made for this run: ${ids.join(', ')}`);
  if (report.sourceStarted) warn(`started ${input.instanceId} again after a late-applied stop`);
  if (report.fstabRestored) warn(`restored /etc/fstab on ${input.instanceId} again after a late-applied edit`);
  if (ids.length || report.sourceStarted || report.fstabRestored)
    log.warn('late-applied calls repaired', { ...report });
}
