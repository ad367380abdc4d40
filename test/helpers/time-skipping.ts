/**
 * Time-skipping workflow tests: Temporal's own test server (`TestWorkflowEnvironment.createTimeSkipping`,
 * installed by `npm test` (`npm run tools`), see scripts/temporal-test-server.ts) and the real workflow bundle with
 * stub activities. Right for pure workflow timing logic (undo order, timeouts, cancellation); everything
 * that needs the cloud's behaviour stays in the integration tests against the dev server and the emulator.
 */
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { TEST_SERVER_PATH, testServerInstalled } from '../../scripts/temporal-test-server';
import { SEARCH_ATTRIBUTE_NAMES } from '../../src/contract/search-attributes';

export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  if (!testServerInstalled()) {
    throw new Error(
      `Temporal's test server is missing (${TEST_SERVER_PATH}): run \`npx tsx scripts/ensure-tools.ts\` (needs java and mvn)`,
    );
  }
  const start = () =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: TEST_SERVER_PATH } },
    });
  // The SDK waits 5 s for the server to listen; a JVM on a saturated machine can take longer once.
  const env = await start().catch(start);
  // The workflows upsert the project's search attributes, as on every dev server the project starts.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTE_NAMES.map((n) => [n, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
  return env;
}

const noop = () => undefined;
let bundle: Promise<WorkflowBundleOption> | undefined;
/**
 * The bundle the integration project's global setup built from the same source, when the whole suite runs
 * (CVM_TEST_WORKFLOW_BUNDLE: webpack once, not twice); bundled here when this project runs alone.
 */
export function workflowBundle(): Promise<WorkflowBundleOption> {
  const codePath = process.env.CVM_TEST_WORKFLOW_BUNDLE;
  bundle ??= codePath
    ? Promise.resolve({ codePath })
    : bundleWorkflowCode({
        workflowsPath: require.resolve('../../src/workflows'),
        logger: { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop },
      });
  return bundle;
}

export async function stubWorker(env: TestWorkflowEnvironment, taskQueue: string, activities: object) {
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    // Heartbeats (and so cancellations) reach the server at once, not after 80 % of the heartbeat timeout.
    maxHeartbeatThrottleInterval: '100ms',
  });
}
