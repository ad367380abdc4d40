/**
 * What a closed pipeline run did, read from its history (activity types, inputs and results): whether it
 * stopped its source or edited /etc/fstab without undoing, and which copies it made or may have made. The
 * janitor and deleteCustomImage go by it; nothing here changes the cloud.
 */
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { CopyArgs, ImageCopy } from './distribution';

/** What the run did to its source and which copies it made, from its history (activity types and results). */
export async function readHistory(client: Client, workflowId: string, runId: string) {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const typeOf = new Map<string, string>();
  const completed: { type: string; scheduledEventId: number; result?: temporal.api.common.v1.IPayloads | null }[] = [];
  let lastStopScheduled = 0;
  const copySteps = new Map<string, { input?: temporal.api.common.v1.IPayloads | null; at: number }>();
  let closedAt = 0;
  for (const e of history.events ?? []) {
    const at = Number(e.eventTime?.seconds ?? 0) * 1000;
    closedAt = Math.max(closedAt, at);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) typeOf.set(String(e.eventId), scheduled.activityType?.name ?? '');
    if (scheduled?.activityType?.name === 'stopInstance') lastStopScheduled = Number(e.eventId);
    if (scheduled?.activityType?.name === 'copyImage') copySteps.set(String(e.eventId), { input: scheduled.input, at });
    const done = e.activityTaskCompletedEventAttributes;
    if (done)
      completed.push({
        type: typeOf.get(String(done.scheduledEventId)) ?? '',
        scheduledEventId: Number(done.scheduledEventId),
        result: done.result,
      });
    if (done) copySteps.delete(String(done.scheduledEventId));
  }
  const scheduledTypes = [...typeOf.values()];
  const last = (t: string) => completed.map((c) => c.type).lastIndexOf(t);
  // A StopInstances whose activity never completed (the run was terminated while it ran) may still have
  // been applied: the source is started again unless a StartInstances completed after the last stop was asked.
  const restarted = completed.filter((c) => c.type === 'startInstance').map((c) => c.scheduledEventId);
  const start = lastStopScheduled > 0 && !restarted.some((id) => id > lastStopScheduled);
  const fixAttempted = scheduledTypes.includes('fixFstab');
  const copies: ImageCopy[] = [];
  for (const c of completed.filter((x) => x.type === 'copyImage')) {
    const value = await decodeFromPayloadsAtIndex<ImageCopy[]>(
      client.options.loadedDataConverter,
      0,
      c.result?.payloads ?? [],
    );
    for (const copy of value ?? []) if (!copies.some((k) => k.imageId === copy.imageId)) copies.push(copy);
  }
  const deletedCopies = last('deleteImageCopies') >= 0;
  // A copy step that never completed (the run was terminated mid-copy): SyncImages may have made copies
  // whose ids reached no history. What it was asked (regions, name) and when bound where to look for them.
  const unfinishedCopies: UnfinishedCopy[] = [];
  for (const step of copySteps.values()) {
    const args = await decodeFromPayloadsAtIndex<CopyArgs>(
      client.options.loadedDataConverter,
      0,
      step.input?.payloads ?? [],
    );
    if (args) unfinishedCopies.push({ args, from: step.at, to: closedAt });
  }
  return {
    unfinishedCopies: deletedCopies ? [] : unfinishedCopies,
    start,
    // restoreFstab is safe to repeat: it restores only lines carrying the run's own marker.
    restoreFstab: fixAttempted && last('restoreFstab') < 0,
    copies: deletedCopies ? [] : copies,
  };
}

export interface UnfinishedCopy {
  args: CopyArgs;
  /** The copy step's scheduling and the run's last event, epoch ms. */
  from: number;
  to: number;
}
