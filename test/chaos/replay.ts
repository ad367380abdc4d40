/**
 * Replays recorded histories against the current workflow code (`Worker.runReplayHistories`): a history
 * that no longer replays means a change to the workflow would break runs already in flight.
 */
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';

export interface ReplayReport {
  replayed: number;
  failures: { workflowId: string; error: string }[];
}

export async function replayHistories(
  histories: { workflowId: string; history: unknown }[],
  source: Pick<ReplayWorkerOptions, 'workflowBundle' | 'workflowsPath'> = {
    workflowsPath: require.resolve('../../src/workflows'),
  },
): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: 0, failures: [] };
  if (!histories.length) return report;
  for await (const r of Worker.runReplayHistories(source, histories as never)) {
    report.replayed++;
    if (r.error) report.failures.push({ workflowId: r.workflowId, error: r.error.message });
  }
  return report;
}
