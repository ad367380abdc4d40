/** Connections and workers for integration tests, against the suite's real dev server. */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';

export function testAddress(): string {
  const address = process.env.CVM_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('integration tests need the global setup (CVM_TEST_TEMPORAL_ADDRESS)');
  return address;
}

export function workflowBundle(): WorkerOptions['workflowBundle'] {
  const codePath = process.env.CVM_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('integration tests need the global setup (CVM_TEST_WORKFLOW_BUNDLE)');
  return { codePath };
}

export const uniqueTaskQueue = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function testClient(): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: testAddress() });
  return { client: new Client({ connection }), connection };
}

export async function testNativeConnection(): Promise<NativeConnection> {
  return NativeConnection.connect({ address: testAddress() });
}

export async function harnessWorker(
  connection: NativeConnection,
  taskQueue: string,
  activities: object,
): Promise<Worker> {
  return Worker.create({ connection, taskQueue, workflowBundle: workflowBundle(), activities });
}
