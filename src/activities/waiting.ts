/**
 * How an activity waits: it registers its ids with the shared poller, heartbeats what it saw on every
 * round (resume details for a retry on another worker), and stops when Temporal cancels it.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { BatchPoller, Decision } from './pollers';
import { NON_RETRYABLE, type PipelineRef, type WaitDetails } from '../contract';

export interface WaitManyOptions<R, T> {
  poller: BatchPoller<R>;
  ids: string[];
  /** Decides for one id; `undefined` resource means Describe* did not return it (yet). */
  decide(id: string, resource: R | undefined): Decision<T>;
  /** Short state text for heartbeats and messages. */
  stateOf(resource: R | undefined): string;
  /** Extra heartbeat content, e.g. the overall percent. */
  extra?(states: Map<string, R | undefined>): Partial<WaitDetails>;
  /** Called after every round with the latest view of every id. */
  onRound?(states: Map<string, R | undefined>): void;
}

/** Waits for every id; rejects on the first failure or on cancellation. */
export async function waitForAll<R, T>(opts: WaitManyOptions<R, T>): Promise<T[]> {
  const ctx = Context.current();
  const latest = new Map<string, R | undefined>();
  const previous = ctx.info.heartbeatDetails as WaitDetails | undefined;
  if (previous?.ids?.length) ctx.log.info('resuming a wait from an earlier attempt', { states: previous.states });
  let scheduled = false;
  const beat = () => {
    const states: Record<string, string> = {};
    for (const id of opts.ids) states[id] = opts.stateOf(latest.get(id));
    ctx.heartbeat({ ids: opts.ids, states, ...opts.extra?.(latest) } satisfies WaitDetails);
    opts.onRound?.(latest);
  };
  ctx.heartbeat({ ids: opts.ids, states: previous?.states ?? {} } satisfies WaitDetails);
  const abort = new AbortController();
  const onCancel = () => abort.abort(ctx.cancellationSignal.reason);
  ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
  try {
    return await Promise.all(
      opts.ids.map((id) =>
        opts.poller.wait<T>({
          id,
          signal: abort.signal,
          decide: (r) => opts.decide(id, r),
          onRound: (r) => {
            latest.set(id, r);
            // One heartbeat per round: the poller reports every id synchronously, then this runs.
            if (!scheduled) {
              scheduled = true;
              queueMicrotask(() => {
                scheduled = false;
                beat();
              });
            }
          },
        }),
      ),
    );
  } catch (err) {
    abort.abort(err); // the other ids stop waiting too
    throw err;
  } finally {
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
  }
}

/**
 * Tencent's Describe* calls are eventually consistent: a resource just created may be missing for a
 * moment. Missing beyond the grace window means it is really gone.
 */
export function visibilityWindow(graceMs: number, now: () => number = Date.now) {
  const firstMissing = new Map<string, number>();
  return (id: string, what: string): Decision<never> => {
    const since = firstMissing.get(id) ?? now();
    firstMissing.set(id, since);
    if (now() - since <= graceMs) return { wait: true };
    return {
      fail: ApplicationFailure.nonRetryable(
        `${what} ${id} is not visible in Tencent Cloud (missing for ${Math.round((now() - since) / 1000)} s)`,
        NON_RETRYABLE.notFound,
      ),
    };
  };
}

/** The workflow execution an activity belongs to (its resources are tagged with it). */
export function pipelineRef(): PipelineRef {
  const wf = Context.current().info.workflowExecution;
  if (!wf) throw ApplicationFailure.nonRetryable('pipeline activities must run inside a workflow', 'NotInWorkflow');
  return { workflowId: wf.workflowId, runId: wf.runId };
}
