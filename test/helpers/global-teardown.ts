import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { replayServerHistories } from '../chaos/replay';
import { NOT_PRODUCT_WORKFLOW_TYPES } from './temporal';

/** Before the suite's servers go, every history their tests recorded must replay with the current code. */
export default async function globalTeardown(): Promise<void> {
  try {
    const addresses = (process.env.CVM_TEST_TEMPORAL_ADDRESSES ?? '').split(',').filter(Boolean);
    const bundle = process.env.CVM_TEST_WORKFLOW_BUNDLE;
    if (!addresses.length || !bundle) return;
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') }); // the replay workers' state changes
    } catch {
      // already installed in this process
    }
    const failedDir = path.resolve(__dirname, '..', '..', 'test-results', 'replay-failures');
    let replayed = 0;
    const failures: string[] = [];
    // Workflow types the product does not define (a deliberately unknown one, the versioning test's own).
    const query = NOT_PRODUCT_WORKFLOW_TYPES.map((t) => `WorkflowType != '${t}'`).join(' AND ');
    const started = Date.now();
    // The servers at once: one replay worker each, so the replays use both cores instead of one.
    const reports = await Promise.all(addresses.map((a) => replayServerHistories(a, bundle, failedDir, query)));
    reports.forEach((report, i) => {
      replayed += report.replayed;
      failures.push(...report.failures.map((f) => `  ${f.workflowId} (${addresses[i]}): ${f.error}`));
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `replay: ${replayed} histories recorded by this run (${addresses.length} dev servers) replayed with the current workflow code in ${seconds} s`,
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
