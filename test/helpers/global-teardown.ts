import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { replayServerHistories } from '../chaos/replay';

/** Before the suite's server goes, every history its tests recorded must replay with the current code. */
export default async function globalTeardown(): Promise<void> {
  try {
    const [address, bundle] = [process.env.CVM_TEST_TEMPORAL_ADDRESS, process.env.CVM_TEST_WORKFLOW_BUNDLE];
    if (!address || !bundle) return;
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') }); // the replay workers' state changes
    } catch {
      // already installed in this process
    }
    const failedDir = path.resolve(__dirname, '..', '..', 'test-results', 'replay-failures');
    const report = await replayServerHistories(address, bundle, failedDir);
    console.log(`replay: ${report.replayed} histories recorded by this run replayed with the current workflow code`);
    if (report.failures.length) {
      const list = report.failures.map((f) => `  ${f.workflowId}: ${f.error}`).join('\n');
      throw new Error(`replay: ${report.failures.length} histories no longer replay (saved in ${failedDir}):\n${list}`);
    }
  } finally {
    await globalThis.__cvmDevServer?.stop();
  }
}
