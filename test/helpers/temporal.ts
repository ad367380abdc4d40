/** Connections and workers for integration tests, against the suite's real dev server. */
import { randomUUID } from 'node:crypto';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
} from '@temporalio/client';
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

/**
 * A client connection (not yet connected) whose close() cannot race the SDK's retry interceptor: a retry
 * it set before close() fires after it and throws "Channel has been shut down" inside a timer, an uncaught
 * exception jest blames on whatever suite runs then. Once closing, a failed call is not retried, and
 * close() first waits for the retries already set to fire (their calls then fail without a retry). It counts
 * them rather than timing them: under load the event loop's clock lags the wall clock, and a wait worked out
 * from the retry's delay could end before the retry's timer fired.
 */
export function closeSafeConnection(options: ConnectionOptions): Connection {
  const base = defaultGrpcRetryOptions();
  let closing = false;
  let retriesSet = 0;
  const retry = makeGrpcRetryInterceptor({
    retryableDecider: (attempt, status) => !closing && base.retryableDecider(attempt, status),
    // Called as the interceptor sets each retry's timer (setTimeout(retry, delayFunction(…))).
    delayFunction: (attempt, status) => {
      retriesSet++;
      return base.delayFunction(attempt, status);
    },
  });
  // The interceptor calls `nextCall` once for a call's first attempt, then once for each retry as it fires.
  const countingRetry: ReturnType<typeof makeGrpcRetryInterceptor> = (callOptions, nextCall) => {
    let first = true;
    return retry(callOptions, (o) => {
      if (first) first = false;
      else retriesSet--;
      return nextCall(o);
    });
  };
  const connection = Connection.lazy({ ...options, interceptors: [countingRetry] });
  const close = connection.close.bind(connection);
  connection.close = async () => {
    closing = true;
    while (retriesSet > 0) await new Promise((r) => setTimeout(r, 10));
    await close();
  };
  return connection;
}

export async function testClient(): Promise<{ client: Client; connection: Connection }> {
  const connection = closeSafeConnection({ address: testAddress() });
  await connection.ensureConnected();
  return { client: new Client({ connection }), connection };
}

/**
 * How many workflow pollers the server lists for `taskQueue`, asked until it lists one or `timeoutMs` passes. A
 * worker says it is polling before its first poll reaches the server, and with several partitions (`npm start`'s
 * server has the default four) DescribeTaskQueue lists only the root partition's pollers, so one answer of
 * none proves nothing.
 */
export async function workflowPollers(connection: Connection, taskQueue: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await connection.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: taskQueue },
      taskQueueType: 1, // workflow task queue
    });
    const pollers = res.pollers?.length ?? 0;
    if (pollers > 0 || Date.now() > deadline) return pollers;
    await new Promise((r) => setTimeout(r, 200));
  }
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
