/**
 * Restarting the source instance this run stopped, on the normal path and in compensation: retried until
 * it succeeds or a person decides (#13 item 5). Each round is one StartInstances + wait for RUNNING with
 * the undo steps' own retries; between rounds the run shows stage `restoring-instance` (progress and the
 * CvmPipelineStage search attribute) and waits, doubling up to a cap, for the next round or for an
 * operator's `abandonRestore` update. Only an instance that no longer exists ends the retrying by itself.
 */
import { ApplicationFailure, condition, log, patched, setHandler } from '@temporalio/workflow';
import { DESCRIPTIONS, NON_RETRYABLE, WORKFLOW_FAILURES, abandonRestoreUpdate, type StageName } from '../contract';
import { run, undo, within } from './activity-proxies';
import { formatDuration } from './durations';
import type { PipelineTracker } from './progress';
import { failureType } from './stage-failure';
import type { PipelineInput } from './validation';

const FIRST_PAUSE_MS = 2_000;
const MAX_PAUSE_MS = 5 * 60_000;

export class SourceRestore {
  private retrying = false;
  private abandoned?: string;

  constructor(private readonly tracker: PipelineTracker) {}

  install(): void {
    setHandler(
      abandonRestoreUpdate,
      (reason: string) => {
        this.abandoned = reason || 'no reason given';
        return 'restore abandoned';
      },
      {
        description: DESCRIPTIONS.abandonRestore,
        validator: (reason: string) => {
          if (!this.retrying) throw new Error('no restore of the source instance is retrying');
          if (reason !== undefined && (typeof reason !== 'string' || reason.length > 1000))
            throw new Error('reason must be a string of at most 1000 characters');
        },
      },
    );
  }

  /** Starts the instance and waits for RUNNING; see the module comment for what happens on failure. */
  async start(input: PipelineInput, summary: string): Promise<void> {
    if (!patched('restore-source-until-done')) return startAndWait(input, summary);
    const back: { stage: StageName; details: string } = {
      stage: this.tracker.progress.stage,
      details: `starting ${input.instanceId} again`,
    };
    for (let round = 1; ; round++) {
      try {
        await startAndWait(input, round === 1 ? summary : `${summary} (round ${round})`);
        if (this.retrying) this.tracker.enter(back.stage, back.details);
        this.retrying = false;
        return;
      } catch (err) {
        if (failureType(err) === NON_RETRYABLE.notFound) throw err; // nothing left to restart
        const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
        const pause = Math.min(FIRST_PAUSE_MS * 2 ** (round - 1), MAX_PAUSE_MS);
        log.warn('restarting the source instance failed; retrying', { round, error: cause });
        this.retrying = true;
        this.tracker.enter(
          'restoring-instance',
          `starting ${input.instanceId} failed ${round} time(s) (${cause}); next try in ${formatDuration(pause)}`,
          `instance ${input.instanceId} to be RUNNING (abandonRestore to give up)`,
        );
        if (await condition(() => this.abandoned !== undefined, pause)) {
          this.retrying = false;
          throw ApplicationFailure.nonRetryable(
            `restarting ${input.instanceId} was abandoned by an operator after ${round} round(s): ${this.abandoned}; last error: ${cause}`,
            WORKFLOW_FAILURES.restoreAbandoned,
          );
        }
      }
    }
  }
}

async function startAndWait(input: PipelineInput, summary: string): Promise<void> {
  const where = { region: input.region, instanceId: input.instanceId };
  await run(undo.startInstance, summary, [where]);
  await run(
    undo.waitForInstances,
    `Wait for ${input.instanceId} to be RUNNING`,
    [{ region: input.region, instanceIds: [input.instanceId], target: 'RUNNING' }],
    within(input.timeoutsMs.instance),
  );
}
