/**
 * The createCustomImage messages: the `progress` query, the approval updates, and the progress signal
 * the waiting activities send. Names for untyped callers (Temporal CLI, other SDKs), definitions for typed ones.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PipelineProgress } from './pipeline';

export const PROGRESS_QUERY = 'progress';
export const APPROVE_UPDATE = 'approveShutdown';
export const REJECT_UPDATE = 'rejectShutdown';
export const ABANDON_RESTORE_UPDATE = 'abandonRestore';
/** Signal the snapshot waiter sends to the workflow so `progress` shows the percent. */
export const WAIT_PROGRESS_SIGNAL = 'cvmImageWaitProgress';

export interface WaitProgress {
  kind: 'snapshot' | 'image' | 'instance';
  percent: number;
}

export const progressQuery = defineQuery<PipelineProgress>(PROGRESS_QUERY);

/** What `temporal workflow metadata` and the Web UI list for each handler. */
export const DESCRIPTIONS = {
  progress:
    'Where the run is: {stage, percent, stagePercent, imageId, snapshotIds, launchedInstanceIds, waitingFor, ' +
    'failedStage, undone, startedAt, updatedAt}.',
  approveShutdown: 'Approve the pending shutdown of the source instance (refused when no approval is pending).',
  rejectShutdown:
    'Reject the pending shutdown with a reason (string, at most 1000 characters); the run ends with nothing changed.',
  abandonRestore:
    'While restarting the source instance keeps failing (stage restoring-instance): stop retrying, with a reason ' +
    '(string, at most 1000 characters); the instance is reported as left behind.',
  waitProgress: "Sent by the run's own waiting activities (snapshot Percent); other payloads are ignored.",
} as const;
/** Approves the pending shutdown; refused (by its validator) when no approval is pending. */
export const approveShutdownUpdate = defineUpdate<string>(APPROVE_UPDATE);
/** Rejects the pending shutdown with a reason; the run then ends with nothing changed. */
export const rejectShutdownUpdate = defineUpdate<string, [reason: string]>(REJECT_UPDATE);
/** Gives up restarting the source instance while that restart is retrying; refused at any other time. */
export const abandonRestoreUpdate = defineUpdate<string, [reason: string]>(ABANDON_RESTORE_UPDATE);
/**
 * Sent by waiting activities (snapshot Percent) at 25, 50 and 75 % only (snapshot.ts). Anyone who can signal the
 * workflow can send it, with any payload: the handler takes only what `isWaitProgress` accepts, since a
 * throwing handler would fail this and every later workflow task (the signal stays in history).
 */
export const waitProgressSignal = defineSignal<[unknown]>(WAIT_PROGRESS_SIGNAL);

const KINDS: readonly unknown[] = ['snapshot', 'image', 'instance'] satisfies WaitProgress['kind'][];

export function isWaitProgress(p: unknown): p is WaitProgress {
  if (typeof p !== 'object' || p === null) return false;
  const { kind, percent } = p as Record<string, unknown>;
  return KINDS.includes(kind) && typeof percent === 'number' && percent >= 0 && percent <= 100;
}
