/**
 * CVM_IMAGE_METRICS_ADDR: the worker process (`npm run worker`) serves the Temporal runtime's metrics in
 * Prometheus text format, and they reflect the work it does.
 */
import { freePort } from '../../src/devserver/ports';
import { spawnBuilt } from '../helpers/processes';
import { testAddress, testClient, uniqueTaskQueue, UNKNOWN_WORKFLOW_TYPE } from '../helpers/temporal';

// The project-level testTimeout in jest.config.js is not applied by Jest 30; long steps need this.
jest.setTimeout(180_000);

async function scrapeUntil(url: string, pattern: RegExp, what: string): Promise<string> {
  let last = '';
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(url);
      last = await res.text();
      if (res.ok && pattern.test(last)) return last;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${what} at ${url}; last scrape:\n${last.slice(0, 2000)}`);
}

describe('worker metrics (CVM_IMAGE_METRICS_ADDR)', () => {
  it('serves Prometheus text with temporal_ metrics labelled with its task queue', async () => {
    const taskQueue = uniqueTaskQueue('metrics');
    const metricsAddr = `127.0.0.1:${await freePort()}`;
    const worker = spawnBuilt('src/worker.ts', [], {
      TEMPORAL_ADDRESS: testAddress(),
      CVM_IMAGE_TASK_QUEUE: taskQueue,
      CVM_IMAGE_METRICS_ADDR: metricsAddr,
      CVM_IMAGE_WORKFLOW_BUNDLE: process.env.CVM_TEST_WORKFLOW_BUNDLE, // bundling at start: main-start.test.ts
    });
    const { client, connection } = await testClient();
    try {
      await worker.waitFor(new RegExp(`polling task queue ${taskQueue}`), 90_000);
      const url = `http://${metricsAddr}/metrics`;
      const tq = `task_queue="${taskQueue}"`;
      const pollers = new RegExp(`^temporal_num_pollers\\{[^}]*${tq}[^}]*\\} \\d+`, 'm');
      const text = await scrapeUntil(url, pollers, 'poller gauge');
      expect(text).toMatch(/^# TYPE temporal_\w+ (counter|gauge|histogram)$/m);

      // Work shows up: a task for a workflow type this worker does not know is failed, and counted.
      const handle = await client.workflow.start(UNKNOWN_WORKFLOW_TYPE, { taskQueue, workflowId: taskQueue });
      const failed = /^temporal_request\{[^}]*operation="RespondWorkflowTaskFailed"[^}]*\} [1-9]/m;
      await scrapeUntil(url, failed, 'RespondWorkflowTaskFailed request count');
      await handle.terminate('metrics test done');
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
      await connection.close();
    }
  });
});
