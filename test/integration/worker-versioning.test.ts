/**
 * The documented way to ship a workflow change (docs/deploy.md): a new build joins the worker deployment,
 * becomes current, new runs take it, and pinned runs in flight finish on the build they started on — even
 * though the new build reorders steps the old runs already executed.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { bundleWorkflowCode, Worker, type NativeConnection } from '@temporalio/worker';
import type { Client, Connection } from '@temporalio/client';
import { deploymentFromEnv } from '../../src/worker';
import { waitFor } from '../helpers/emulator';
import { testClient, testNativeConnection, uniqueTaskQueue, VERSIONING_TEST_WORKFLOW_TYPE } from '../helpers/temporal';

jest.setTimeout(120_000);

let native: NativeConnection;
let client: Client;
let connection: Connection;
const workers: { worker: Worker; running: Promise<void> }[] = [];

beforeAll(async () => {
  ({ client, connection } = await testClient());
  native = await testNativeConnection();
});
afterAll(async () => {
  // Every client call above is awaited; the client connection closes last, after the retries it already
  // set have fired (testClient: closeSafeConnection), so no retry can run on a closed channel.
  for (const w of workers) if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await native?.close();
  await connection?.close();
});

const quiet = () => undefined;
const logger = { trace: quiet, debug: quiet, info: quiet, log: quiet, warn: quiet, error: console.error };

async function startBuild(taskQueue: string, deploymentName: string, buildId: string): Promise<void> {
  const bundle = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', 'versioning', `${buildId}.ts`),
    logger,
  });
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle: bundle,
    activities: { step: async (name: string) => name },
    workerDeploymentOptions: deploymentFromEnv({
      CVM_IMAGE_BUILD_ID: buildId,
      CVM_IMAGE_DEPLOYMENT_NAME: deploymentName,
    }),
  });
  workers.push({ worker, running: worker.run() });
}

/** What an operator does with `temporal worker deployment set-current-version` once the build polls. */
function setCurrent(deploymentName: string, buildId: string) {
  return waitFor(
    () =>
      connection.workflowService
        .setWorkerDeploymentCurrentVersion({ namespace: 'default', deploymentName, buildId })
        .then(
          () => true,
          () => undefined,
        ),
    { timeoutMs: 30_000, intervalMs: 300, what: `${deploymentName} ${buildId} current` },
  );
}

it('runs in flight finish on their build; new runs take the new one', async () => {
  const taskQueue = uniqueTaskQueue('versioned');
  const deploymentName = `cvm-image-test-${randomUUID().slice(0, 8)}`;
  await startBuild(taskQueue, deploymentName, 'v1');
  await setCurrent(deploymentName, 'v1');
  const start = () =>
    client.workflow.start(VERSIONING_TEST_WORKFLOW_TYPE, { taskQueue, workflowId: `versioned-${randomUUID()}` });
  const old = await start();
  // The old run has done its first step and waits: a v1 history that v2's code could not replay.
  await waitFor(async () => ((await old.fetchHistory()).events?.length ?? 0) > 8 || undefined, {
    timeoutMs: 20_000,
    intervalMs: 200,
    what: 'first step of the v1 run',
  });

  await startBuild(taskQueue, deploymentName, 'v2');
  await setCurrent(deploymentName, 'v2');
  const fresh = await start();
  await Promise.all([old.signal('go'), fresh.signal('go')]);

  expect(await old.result()).toEqual(['v1:a', 'v1:b', 'v1:c']);
  expect(await fresh.result()).toEqual(['v2:b', 'v2:a', 'v2:c']);

  // These histories belong to the test's own two builds; the suite's teardown replays only product workflow
  // types (NOT_PRODUCT_WORKFLOW_TYPES), so they stay on the server.
});
