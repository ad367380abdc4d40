/** The dev servers the suite starts itself: one per jest worker (global-setup.ts), the chaos and UI stacks' own. */
import { startDevServer, type DevServer, type DevServerOptions } from '../../src/devserver/dev-server';

/**
 * - **Deletions.** A deleted run goes once the server's queues have acknowledged its close, and they save that
 *   acknowledgement every `history.transferProcessorUpdateAckInterval` (and the visibility queue's own interval):
 *   30 s by default. Temporal's own tests of deletion set both to 1 s (temporalio/temporal
 *   tests/workflow_delete_execution_test.go), and so do these servers: a test that waits for a deletion
 *   (lifecycle-schedules: `cost` deletes its run) waits about a second, not 30–75.
 * - **One partition per task queue.** A queue has 4 by default; a task or a poll that lands on a partition
 *   without its match is forwarded towards the root. Temporal's own matching tests force one partition where
 *   they need a predictable dispatch path (temporalio/temporal tests/poller_scaling_test.go). Here it saves
 *   about 8 % of the CPU of pipeline tests (the server's and the test process's alike; four files, A/B twice,
 *   2026-12-01). The fleet's dispatch rates are unchanged: the server divides a queue's rate across its
 *   partitions, however many (docs/scale-out.md).
 */
export const TEST_SERVER_CONFIG = {
  'history.transferProcessorUpdateAckInterval': '1s',
  'history.visibilityProcessorUpdateAckInterval': '1s',
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
};

export function startTestServer(opts: DevServerOptions = {}): Promise<DevServer> {
  return startDevServer({ ...opts, dynamicConfig: { ...TEST_SERVER_CONFIG, ...opts.dynamicConfig } });
}
