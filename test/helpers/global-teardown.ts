import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ReplayReport } from '../chaos/replay';
import type { ReplayJob } from './replay-share';
import { NOT_PRODUCT_WORKFLOW_TYPES } from './temporal';

const SHARE_SCRIPT = path.join(__dirname, 'replay-share.ts');

/** Before the suite's servers go, every history their tests recorded must replay with the current code. */
export default async function globalTeardown(): Promise<void> {
  try {
    const addresses = (process.env.CVM_TEST_TEMPORAL_ADDRESSES ?? '').split(',').filter(Boolean);
    const bundle = process.env.CVM_TEST_WORKFLOW_BUNDLE;
    if (!addresses.length || !bundle) return;
    const failedDir = path.resolve(__dirname, '..', '..', 'test-results', 'replay-failures');
    // Workflow types the product does not define (a deliberately unknown one, the versioning test's own).
    const query = NOT_PRODUCT_WORKFLOW_TYPES.map((t) => `WorkflowType != '${t}'`).join(' AND ');
    const started = Date.now();
    // A replay runs on the thread that started it (about 85 ms of CPU a history): one process per core, each
    // replaying its share of every server's runs.
    const of = Math.max(1, os.availableParallelism());
    const shares = await Promise.all(
      Array.from({ length: of }, (_, index) =>
        replayShare({ addresses, bundle, failedDir, query, share: { index, of } }),
      ),
    );
    let replayed = 0;
    const failures: string[] = [];
    for (const reports of shares) {
      reports.forEach((report, i) => {
        replayed += report.replayed;
        failures.push(...report.failures.map((f) => `  ${f.workflowId} (${addresses[i]}): ${f.error}`));
      });
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `replay: ${replayed} histories recorded by this run (${addresses.length} dev servers) replayed with the current workflow code in ${seconds} s (${of} processes)`,
    );
    if (failures.length) {
      throw new Error(
        `replay: ${failures.length} histories no longer replay (saved in ${failedDir}):\n${failures.join('\n')}`,
      );
    }
  } finally {
    await Promise.all((globalThis.__cvmDevServers ?? []).map((s) => s.stop()));
  }
}

async function replayShare(job: ReplayJob): Promise<ReplayReport[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', SHARE_SCRIPT, JSON.stringify(job)],
    { maxBuffer: 64 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as ReplayReport[];
}
