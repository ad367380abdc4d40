/**
 * Credentials stay out of everything Temporal stores and the worker prints: pipelines that complete,
 * compensate, and ride out API faults (network drops, 5xx) are scanned — histories with every payload
 * decoded, memos, search attributes, UI metadata, queries, and the worker process's DEBUG log — for the
 * SecretId and SecretKey. And wrong credentials fail once, non-retryably, instead of a retry storm.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { createPipelineClient, type PipelineClient } from '../../src/client';
import { REFUSAL_BUDGET_ROUNDS } from '../../src/activities/pollers';
import { WORKFLOW_TYPE, type CreateCustomImageInput } from '../../src/contract';
import { startChaosEnv, workerProcess, type ChaosEnv } from '../chaos/environment';
import { FAST_DURATIONS } from '../helpers/emulator';
import { callsBetween, onlineInstanceWithDataDisk, REGION } from '../helpers/pipeline';
import { testAddress, uniqueTaskQueue } from '../helpers/temporal';

jest.setTimeout(120_000);

const suffix = Math.random().toString(36).slice(2, 10).toUpperCase();
const SECRET = { secretId: `AKIDSCAN${suffix}ID00000000000000`, secretKey: `ScanKey${suffix}Secret000000000` };

let env: ChaosEnv;
let pipelines: PipelineClient;
beforeAll(async () => {
  env = await startChaosEnv({
    address: testAddress(),
    taskQueue: uniqueTaskQueue('secrets'),
    durations: FAST_DURATIONS,
    pollIntervalMs: 100,
    credentials: SECRET,
    workerEnv: { CVM_IMAGE_LOG_LEVEL: 'DEBUG' },
  });
  pipelines = await createPipelineClient({ address: env.address, taskQueue: env.taskQueue });
});
afterAll(async () => {
  await pipelines?.close();
  await env?.close();
});

/** Every string and every byte payload (as UTF-8 and base64) inside a value, recursively. */
function texts(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) {
    const b = Buffer.from(value);
    out.push(b.toString('utf8'), b.toString('base64'));
  } else if (Array.isArray(value)) value.forEach((v) => texts(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      texts(v, out);
    }
  }
  return out;
}

/** The secret as it would appear: plain, base64 at any alignment, hex. */
function forms(secret: string): string[] {
  const b64 = [0, 1, 2].map((pad) =>
    Buffer.from('x'.repeat(pad) + secret)
      .toString('base64')
      .slice(4 * Math.ceil(pad / 3) + 4, -4),
  );
  return [secret, Buffer.from(secret).toString('hex'), ...b64];
}

function leaks(haystack: string[]): string[] {
  const all = haystack.join('\n');
  return [SECRET.secretId, SECRET.secretKey].flatMap((s) => forms(s).filter((f) => all.includes(f)));
}

async function everythingStored(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  const described = await handle.describe();
  const progress = await handle.query('progress').catch(() => undefined);
  return texts([history, described.raw, described.memo, described.typedSearchAttributes, progress]);
}

describe('secrets never leave the worker process', () => {
  it('completed, compensated and fault-ridden pipelines: histories, metadata, searches and logs are clean', async () => {
    const { emu } = env;
    const start = async (input: Omit<CreateCustomImageInput, 'region' | 'instanceId'>) => {
      const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
      return pipelines.start({ region: REGION, instanceId, ...input });
    };
    const handles: WorkflowHandle[] = [];
    const completed = await start({ imageName: 'secret-scan-1', launch: { count: 1 }, tags: { team: 'scan' } });
    await pipelines.result(completed.workflowId);
    handles.push(pipelines.temporal.workflow.getHandle(completed.workflowId));

    // Error paths: dropped connections, 5xx, throttling — then a failure that compensates.
    await emu.admin.faults({
      seed: 3,
      rules: [
        { action: '*', probability: 0.15, httpStatus: 502 },
        { action: '*', probability: 0.1, error: 'RequestLimitExceeded' },
        { action: 'CreateImage', commitThenDrop: true, dropConnection: true, count: 1 },
      ],
    });
    const bumpy = await start({ imageName: 'secret-scan-2' });
    await pipelines.result(bumpy.workflowId);
    handles.push(pipelines.temporal.workflow.getHandle(bumpy.workflowId));
    await emu.admin.faults({ rules: [{ action: 'CreateImage', resultState: 'CREATEFAILED' }] });
    const failed = await start({ imageName: 'secret-scan-3' });
    await expect(pipelines.result(failed.workflowId)).rejects.toThrow(WorkflowFailedError);
    handles.push(pipelines.temporal.workflow.getHandle(failed.workflowId));
    await emu.admin.clearFaults();

    const stored = (await Promise.all(handles.map(everythingStored))).flat();
    // The scan sees what it should: the pipelines' own data is there, decoded.
    expect(stored.join('\n')).toContain('secret-scan-1');
    expect(stored.join('\n')).toContain('CREATEFAILED');
    expect(leaks(stored)).toEqual([]);

    const log = env.worker.log();
    expect(log).toMatch(/polling task queue/);
    expect(log.length).toBeGreaterThan(1000); // DEBUG: the scan reads a real log
    expect(leaks([log])).toEqual([]);
  });

  it('the scan would catch a leak: a history carrying the key in base64 is flagged', () => {
    const planted = { events: [{ payload: { data: new Uint8Array(Buffer.from(`{"k":"${SECRET.secretKey}"}`)) } }] };
    expect(leaks(texts(planted))).toContain(SECRET.secretKey);
    const encoded = Buffer.from(`Authorization: ${SECRET.secretId}`).toString('base64');
    expect(leaks([encoded]).length).toBeGreaterThan(0);
  });
});

describe('wrong credentials', () => {
  it("AuthFailure is a non-retryable failure after one attempt, its requests bounded by the poller's refusal budget", async () => {
    const { emu } = env;
    const taskQueue = uniqueTaskQueue('secrets-wrong');
    const wrong = workerProcess({
      TEMPORAL_ADDRESS: env.address,
      CVM_IMAGE_TASK_QUEUE: taskQueue,
      CVM_IMAGE_POLL_INTERVAL_MS: '100',
      CVM_IMAGE_WORKFLOW_BUNDLE: env.workflowBundlePath, // bundling at start (5–8 CPU-s): main-start.test.ts
      TENCENTCLOUD_ENDPOINT: emu.url,
      TENCENTCLOUD_SECRET_ID: SECRET.secretId,
      TENCENTCLOUD_SECRET_KEY: 'NotTheRightKey000000000000000000',
    });
    try {
      await wrong.start();
      const instanceId = await emu.admin.createInstance(onlineInstanceWithDataDisk());
      const req0 = await emu.admin.requests();
      const handle = await env.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue,
        workflowId: `secrets-wrong-${suffix}`,
        args: [{ region: REGION, instanceId, imageName: 'never-made' }],
      });
      const err = await handle.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause as { type?: string; nonRetryable?: boolean; message: string };
      expect(cause.type).toBe('TencentAuthFailure');
      expect(cause.nonRetryable).toBe(true);
      expect(cause.message).toContain('AuthFailure.SignatureFailure');
      // One activity attempt ran, and the inspection's poller rode the refusal out for its budget only
      // (#13 item 1: a refused request says nothing about the ids in it): no retry storm.
      const calls = callsBetween(req0, await emu.admin.requests());
      expect(Object.keys(calls)).toEqual(['DescribeInstances']);
      expect(calls.DescribeInstances).toBeGreaterThanOrEqual(1);
      expect(calls.DescribeInstances).toBeLessThanOrEqual(REFUSAL_BUDGET_ROUNDS + 1);
      const events = (await handle.fetchHistory()).events!;
      expect(events.flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? [])).toEqual([1]);
      expect(leaks([...(await everythingStored(handle)), wrong.log()])).toEqual([]);
    } finally {
      await wrong.stop();
    }
  });
});
