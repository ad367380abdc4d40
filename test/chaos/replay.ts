/**
 * Replays recorded histories against the current workflow code (`Worker.runReplayHistories`): a history
 * that no longer replays means a change to the workflow would break runs already in flight. The test
 * suite's global teardown replays every history its dev servers recorded; `npm run chaos` replays its own.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';

export interface ReplayReport {
  replayed: number;
  failures: { workflowId: string; error: string }[];
}

type Source = Pick<ReplayWorkerOptions, 'workflowBundle' | 'workflowsPath'>;
type Histories =
  Iterable<{ workflowId: string; history: unknown }> | AsyncIterable<{ workflowId: string; history: unknown }>;

export async function replayHistories(
  histories: Histories,
  source: Source = { workflowsPath: require.resolve('../../src/workflows') },
): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: 0, failures: [] };
  for await (const r of Worker.runReplayHistories(source, histories as never)) {
    report.replayed++;
    if (r.error) report.failures.push({ workflowId: r.workflowId, error: r.error.message });
  }
  return report;
}

/** One of `of` disjoint shares of a server's runs, chosen by run (not list position: lists may reorder). */
export interface Share {
  index: number;
  of: number;
}

export const inShare = (workflowId: string, runId: string, { index, of }: Share): boolean =>
  createHash('sha1').update(`${workflowId}/${runId}`).digest().readUInt32BE(0) % of === index;

export interface ServerReplay {
  bundlePath: string;
  failedDir?: string;
  query?: string;
  share?: Share;
}

/**
 * Every workflow history on a server (or one share of them), replayed with the given bundle. Histories that
 * fail are written to `failedDir` (one JSON file each, as test/replay/ keeps them) for a look. `query` narrows
 * the list (visibility).
 */
export async function replayServerHistories(
  address: string,
  { bundlePath, failedDir, query, share = { index: 0, of: 1 } }: ServerReplay,
) {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const report = await replayHistories(historiesInShare(client, share, query), {
      workflowBundle: { codePath: bundlePath },
    });
    if (failedDir && report.failures.length) {
      mkdirSync(failedDir, { recursive: true });
      for (const f of report.failures) {
        const history = await client.workflow.getHandle(f.workflowId).fetchHistory();
        const file = path.join(failedDir, `${f.workflowId.replace(/[^\w.-]+/g, '_')}.json`);
        writeFileSync(file, JSON.stringify(temporal.api.history.v1.History.fromObject(history).toJSON()));
      }
    }
    return report;
  } finally {
    await connection.close();
  }
}

/** The histories of the listed runs in `share`, each fetched as the replay reaches it. */
async function* historiesInShare(client: Client, share: Share, query?: string) {
  for await (const { workflowId, runId } of client.workflow.list({ query })) {
    if (!inShare(workflowId, runId, share)) continue;
    yield { workflowId, history: await client.workflow.getHandle(workflowId, runId).fetchHistory() };
  }
}
