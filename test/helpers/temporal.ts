/** Connections and workers for integration tests, against the suite's real dev server. */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';

/** This jest worker's own dev server (the global setup starts one per worker). */
export function testAddress(): string {
  const addresses = (process.env.CVM_TEST_TEMPORAL_ADDRESSES ?? '').split(',').filter(Boolean);
  if (!addresses.length) throw new Error('integration tests need the global setup (CVM_TEST_TEMPORAL_ADDRESSES)');
  const worker = Number(process.env.JEST_WORKER_ID ?? '1');
  return addresses[(worker - 1) % addresses.length];
}

export function workflowBundle(): WorkerOptions['workflowBundle'] {
  const codePath = process.env.CVM_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('integration tests need the global setup (CVM_TEST_WORKFLOW_BUNDLE)');
  return { codePath };
}

/** A workflow type no worker defines: a test starts one on purpose, and the teardown's replay skips it. */
export const UNKNOWN_WORKFLOW_TYPE = 'noSuchWorkflowType';

/** The Worker Versioning test's own workflow (test/versioning/v1.ts, v2.ts): not product code, not replayed. */
export const VERSIONING_TEST_WORKFLOW_TYPE = 'versionedSteps';

/** Workflow types whose histories the teardown does not replay with the product bundle. */
export const NOT_PRODUCT_WORKFLOW_TYPES = [UNKNOWN_WORKFLOW_TYPE, VERSIONING_TEST_WORKFLOW_TYPE];

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
