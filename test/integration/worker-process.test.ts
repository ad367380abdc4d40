import { testClient, testAddress, uniqueTaskQueue, workflowPollers } from '../helpers/temporal';
import { spawnTs } from '../helpers/processes';

describe('npm run worker (src/worker.ts as a process)', () => {
  it('exits with code 1 and names the address when the server is unreachable', async () => {
    const worker = spawnTs('src/worker.ts', [], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(/cannot reach the Temporal server at 127\.0\.0\.1:1/);
  });

  it('polls its task queue from the environment and stops cleanly on SIGTERM', async () => {
    const taskQueue = uniqueTaskQueue('worker-proc');
    const worker = spawnTs('src/worker.ts', [], {
      TEMPORAL_ADDRESS: testAddress(),
      CVM_IMAGE_TASK_QUEUE: taskQueue,
      // The suite's prebuilt bundle: bundling at start (5–8 CPU-s) is main-start.test's first case, `npm start`.
      CVM_IMAGE_WORKFLOW_BUNDLE: process.env.CVM_TEST_WORKFLOW_BUNDLE,
    });
    const { connection } = await testClient();
    try {
      await worker.waitFor(new RegExp(`polling task queue ${taskQueue}`), 90_000);
      expect(await workflowPollers(connection, taskQueue)).toBeGreaterThan(0);
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    } finally {
      worker.child.kill('SIGKILL');
      await connection.close();
    }
  });
});
