import { testClient, testNativeConnection, harnessWorker, uniqueTaskQueue } from '../helpers/temporal';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';

describe('test harness: a real dev server and a real worker', () => {
  let client: Client;
  let connection: Connection;
  let native: NativeConnection;
  beforeAll(async () => {
    ({ client, connection } = await testClient());
    native = await testNativeConnection();
  });
  afterAll(async () => {
    await connection.close();
    await native.close();
  });

  it('runs a workflow whose activity executes in this process', async () => {
    const taskQueue = uniqueTaskQueue('harness');
    const calls: string[] = [];
    const worker = await harnessWorker(native, taskQueue, {
      async describeHarnessHost(tag: string) {
        calls.push(tag);
        return `activity:${tag}:${process.pid}`;
      },
    });
    const result = await worker.runUntil(
      client.workflow.execute('harnessRoundTrip', { taskQueue, workflowId: taskQueue, args: ['hello'] }),
    );
    expect(result).toBe(`workflow saw activity:hello:${process.pid}`);
    expect(calls).toEqual(['hello']);
    const history = await client.workflow.getHandle(taskQueue).fetchHistory();
    const types = history.events!.map((e) => e.eventType);
    expect(types.length).toBeGreaterThan(5);
  });

  it('has the project search attributes registered on the server', async () => {
    const res = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    const custom = res.customAttributes ?? {};
    for (const name of ['CvmRegion', 'CvmInstanceId', 'CvmImageId', 'CvmPipelineStage']) {
      expect(Object.keys(custom)).toContain(name);
    }
  });
});
