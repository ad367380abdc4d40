/**
 * The failure a run ends with names the stage that failed and keeps the activity's failure type (e.g.
 * ImageQuotaExceeded), so the CLI and other services can tell causes apart without parsing messages.
 */
import { ActivityFailure, ApplicationFailure, TemporalFailure, TimeoutFailure } from '@temporalio/workflow';
import type { StageName } from '../contract';

export function stageFailure(stage: StageName, err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      return ApplicationFailure.create({
        message: `${stage}: ${cause.message}`,
        type: cause.type ?? 'PipelineStageFailed',
        nonRetryable: true,
        details: cause.details as unknown[] | undefined,
        cause: err,
      });
    }
    if (cause instanceof TimeoutFailure) {
      return ApplicationFailure.create({
        message: `${stage}: ${err.activityType} timed out (${cause.timeoutType !== undefined ? `timeout type ${cause.timeoutType}` : 'timeout'}); the stage's time bound is set by timeouts.*`,
        type: 'StageTimedOut',
        nonRetryable: true,
        cause: err,
      });
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return ApplicationFailure.create({
    message: `${stage}: ${message}`,
    type: 'PipelineStageFailed',
    nonRetryable: true,
    cause: err instanceof TemporalFailure ? err : undefined,
  });
}

/** The ApplicationFailure type behind an activity failure, if any. */
export function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** The run's failure with what compensation undid appended (same type, details and cause). */
export function withUndone(failure: ApplicationFailure, undone: string): ApplicationFailure {
  return ApplicationFailure.create({
    message: `${failure.message}; ${undone}`,
    type: failure.type ?? undefined,
    nonRetryable: true,
    details: failure.details as unknown[] | undefined,
    cause: failure.cause,
  });
}
