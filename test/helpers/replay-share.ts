/**
 * One process's share of the suite's teardown replay (global-teardown.ts starts one per core:
 * a replay runs on the thread that started it). Argument: JSON `{ addresses, bundle, failedDir, query,
 * share }`; prints the reports, one per server, as JSON on its last line.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { replayServerHistories, type ReplayReport, type Share } from '../chaos/replay';

export interface ReplayJob {
  addresses: string[];
  bundle: string;
  failedDir: string;
  query: string;
  share: Share;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as ReplayJob;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const reports: ReplayReport[] = [];
  for (const address of job.addresses) {
    const { bundle: bundlePath, failedDir, query, share } = job;
    reports.push(await replayServerHistories(address, { bundlePath, failedDir, query, share }));
  }
  process.stdout.write(`\n${JSON.stringify(reports)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
