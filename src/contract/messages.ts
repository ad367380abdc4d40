/**
 * The createCustomImage messages: the `progress` query, the approval updates, and the progress signal
 * the waiting activities send. Names for untyped callers (Temporal CLI, other SDKs), definitions for typed ones.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PipelineProgress } from './pipeline';

export const PROGRESS_QUERY = 'progress';
export const APPROVE_UPDATE = 'approveShutdown';
export const REJECT_UPDATE = 'rejectShutdown';
/** Signal the snapshot waiter sends to the workflow so `progress` shows the percent. */
export const WAIT_PROGRESS_SIGNAL = 'cvmImageWaitProgress';

export interface WaitProgress {
  kind: 'snapshot' | 'image' | 'instance';
  percent: number;
}

export const progressQuery = defineQuery<PipelineProgress>(PROGRESS_QUERY);
/** Approves the pending shutdown; refused (by its validator) when no approval is pending. */
export const approveShutdownUpdate = defineUpdate<string>(APPROVE_UPDATE);
/** Rejects the pending shutdown with a reason; the run then ends with nothing changed. */
export const rejectShutdownUpdate = defineUpdate<string, [reason: string]>(REJECT_UPDATE);
/**
 * Sent by waiting activities (snapshot Percent), at most once per 10 % step. Anyone who can signal the
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
