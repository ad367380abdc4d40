/**
 * Following a lifecycle run (delete, rotate) until it ends: the elapsed time and the activity it is in,
 * read from Temporal's own description of the run (pending activities), so these workflows need no query.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { CliIO } from './context';
import { formatElapsed } from './format';

/** Waits for the result, printing "[elapsed] activity (attempt n)" whenever it changes. */
export async function followRun<T>(handle: WorkflowHandle, io: CliIO, intervalMs = 500): Promise<T> {
  const started = Date.now();
  let last = '';
  let done = false;
  const result = (handle.result() as Promise<T>).finally(() => (done = true));
  while (!done) {
    const description = await handle.describe().catch(() => undefined);
    const pending = description?.raw.pendingActivities ?? [];
    const doing = pending.length
      ? pending.map((a) => `${a.activityType?.name ?? '?'}${(a.attempt ?? 1) > 1 ? ` (attempt ${a.attempt})` : ''}`)
      : ['waiting'];
    const line = doing.join(', ');
    if (line !== last) {
      io.out.write(`[${formatElapsed(Date.now() - started)}] ${line}\n`);
      last = line;
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, intervalMs))]);
  }
  return result;
}
