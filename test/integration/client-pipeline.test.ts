/**
 * The client library against the real thing: the suite's dev server, an emulator, and a worker running
 * the real workflow and activities through the real SDK.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { explainError } from '../../src/cli/errors';
import {
  CvmInstanceId,
  CvmPipelineStage,
  CvmRegion,
  DESCRIPTIONS,
  WORKFLOW_TYPE,
  pipelineDetails,
  pipelineSummary,
} from '../../src/client';
import { waitFor } from '../helpers/emulator';
import { startStack, type Stack } from '../helpers/stack';
import { uniqueTaskQueue } from '../helpers/temporal';

jest.setTimeout(180_000);

describe('createPipelineClient', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 180_000);
  afterAll(() => stack?.stop());

  const newInstance = (body = {}) => stack.emulator.admin.createInstance(body);

  it('starts with the recommended id, UI summary and details, and queued search attributes', async () => {
    // A task queue no worker polls: the run stays exactly as the client started it.
    const instanceId = await newInstance();
    const input = { region: 'ap-guangzhou', instanceId, imageName: 'queued-only' };
    const { workflowId } = await stack.client.start(input, { taskQueue: uniqueTaskQueue('idle') });
    const handle: WorkflowHandle = stack.client.temporal.workflow.getHandle(workflowId);
    try {
      expect(workflowId).toBe(`cvm-image/ap-guangzhou/${instanceId}`);
      const description = await handle.describe();
      expect(await description.staticSummary()).toBe(pipelineSummary(input));
      expect(await description.staticDetails()).toBe(pipelineDetails(input));
      const sa = description.typedSearchAttributes;
      expect([sa.get(CvmRegion), sa.get(CvmInstanceId), sa.get(CvmPipelineStage)]).toEqual([
        'ap-guangzhou',
        instanceId,
        'queued',
      ]);
      // Conflict policy FAIL: a second pipeline for the same instance is refused while this one runs.
      const duplicate = stack.client.start(input);
      await expect(duplicate).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
      // It names the running run and how to follow or cancel it, not just "already started".
      const { runId } = await handle.describe();
      await expect(duplicate).rejects.toThrow(`a pipeline with id ${workflowId} is already running (run ${runId}`);
      await expect(duplicate).rejects.toThrow(`cvm-image status ${workflowId} --watch`);
      await expect(duplicate).rejects.toThrow(`cvm-image cancel ${workflowId}`);
    } finally {
      await handle.terminate('test done');
    }
  });

  it('refuses bad input before any call, naming each field, as the CLI does', async () => {
    const bad = { region: 'ap-nowhere', instanceId: 'i-1', imageName: 'ok' };
    const workflowId = `bad-input-${Date.now()}`;
    const start = stack.client.start(bad as never, { workflowId });
    await expect(start).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(start).rejects.toMatchObject({ type: 'InvalidPipelineInput', nonRetryable: true });
    await expect(start).rejects.toThrow(
      /region: must be a Tencent Cloud region.*instanceId: must be a CVM instance id/,
    );
    // Nothing was started (so nothing could reach the cloud).
    await expect(stack.client.describe(workflowId)).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('follows a pipeline to its result, and finds it by search attribute', async () => {
    const instanceId = await newInstance({ dataDisks: [{ sizeGb: 20 }] });
    const { workflowId } = await stack.client.start({ region: 'ap-guangzhou', instanceId, imageName: 'client-ok' });
    const result = await stack.client.result(workflowId);
    expect(result.imageId).toMatch(/^img-/);
    expect(result.snapshotIds).toHaveLength(1);
    const progress = await stack.client.progress(workflowId);
    expect(progress).toMatchObject({ stage: 'completed', percent: 100, imageId: result.imageId });

    const state = await stack.emulator.admin.state();
    expect(state.images.find((i) => i.id === result.imageId)?.state).toBe('NORMAL');

    const listed = await waitFor(
      async () => {
        const rows = await stack.client.list({ instanceId, stage: 'completed' });
        return rows.length ? rows : undefined;
      },
      { what: 'the pipeline in visibility', timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(listed).toEqual([
      expect.objectContaining({
        workflowId,
        status: 'COMPLETED',
        region: 'ap-guangzhou',
        instanceId,
        imageId: result.imageId,
        stage: 'completed',
      }),
    ]);
    expect(await stack.client.list({ instanceId, stage: 'waiting-for-image' })).toEqual([]);
    expect(await stack.client.describe(workflowId)).toMatchObject({ status: 'COMPLETED', imageId: result.imageId });
    // What `temporal workflow metadata` lists: every handler with its description.
    type Definitions = { name: string; description?: string }[];
    const metadata = await stack.client.temporal.workflow
      .getHandle(workflowId)
      .query<{ definition?: { queryDefinitions?: Definitions; updateDefinitions?: Definitions } }>(
        '__temporal_workflow_metadata',
      );
    expect(metadata.definition?.queryDefinitions).toContainEqual({
      name: 'progress',
      description: DESCRIPTIONS.progress,
    });
    expect(metadata.definition?.updateDefinitions).toEqual(
      expect.arrayContaining([
        { name: 'approveShutdown', description: DESCRIPTIONS.approveShutdown },
        { name: 'rejectShutdown', description: DESCRIPTIONS.rejectShutdown },
      ]),
    );
  });

  it('approves a pending shutdown, and refuses an approval when none is pending', async () => {
    const instanceId = await newInstance();
    const { workflowId } = await stack.client.start({
      region: 'ap-guangzhou',
      instanceId,
      imageName: 'client-approved',
      shutdown: 'always',
      approval: { required: true, timeout: '1h' },
    });
    const waiting = await waitFor(
      async () => {
        const p = await stack.client.progress(workflowId);
        return p.stage === 'awaiting-approval' ? p : undefined;
      },
      { what: 'awaiting-approval', intervalMs: 100 },
    );
    expect(waiting.waitingFor).toMatch(/approveShutdown/);
    await stack.client.approve(workflowId);
    // The run goes on stopping and imaging; a second approval finds nothing pending.
    const again = await stack.client.approve(workflowId).catch((e: unknown) => e);
    expect(explainError(again, stack.client, workflowId)).toMatch(/^refused: .*no shutdown approval is pending/);
    const result = await stack.client.result(workflowId);
    expect(result.shutdownPerformed).toBe(true);
    // Once the run has ended, the answer says so instead of "not found".
    const late = await stack.client.approve(workflowId).catch((e: unknown) => e);
    expect(explainError(late, stack.client, workflowId)).toBe(`pipeline ${workflowId} has already ended`);
  });

  it('rejects a pending shutdown: the run ends with the reason and nothing changed', async () => {
    const instanceId = await newInstance();
    const { workflowId } = await stack.client.start({
      region: 'ap-guangzhou',
      instanceId,
      imageName: 'client-rejected',
      shutdown: 'always',
      approval: { required: true },
    });
    await waitFor(async () => (await stack.client.progress(workflowId)).stage === 'awaiting-approval', {
      what: 'awaiting-approval',
      intervalMs: 100,
    });
    await stack.client.reject(workflowId, 'change freeze');
    const err = await stack.client.result(workflowId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(explainError(err, stack.client, workflowId)).toMatch(/ShutdownRejected: .*change freeze/);
    const state = await stack.emulator.admin.state();
    expect(state.images.filter((i) => i.name === 'client-rejected')).toEqual([]);
    expect(state.instances.find((i) => i.id === instanceId)?.state).toBe('RUNNING');
  });

  it('cancels a pipeline: it compensates and reports the cancellation', async () => {
    const instanceId = await newInstance();
    const { workflowId } = await stack.client.start({
      region: 'ap-guangzhou',
      instanceId,
      imageName: 'client-cancelled',
      shutdown: 'always',
      approval: { required: true },
    });
    await waitFor(async () => (await stack.client.progress(workflowId)).stage === 'awaiting-approval', {
      what: 'awaiting-approval',
      intervalMs: 100,
    });
    await stack.client.cancel(workflowId);
    const err = await stack.client.result(workflowId).catch((e: unknown) => e);
    expect(explainError(err, stack.client, workflowId)).toMatch(/cancel/i);
    expect((await stack.client.describe(workflowId)).status).toBe('CANCELLED');
  });

  it('surfaces the workflow validator: every bad field named, nothing touched in the cloud', async () => {
    const before = await stack.emulator.admin.requests();
    // Started past the library's own check (as a plain Temporal client would): the workflow refuses too.
    const workflowId = `bad-input-workflow-${Date.now()}`;
    await stack.client.temporal.workflow.start(WORKFLOW_TYPE, {
      workflowId,
      taskQueue: stack.taskQueue,
      args: [{ region: 'ap-guangzhou', instanceId: 'not-an-instance', imageName: 'x'.repeat(61) }],
    });
    const err = await stack.client.result(workflowId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('InvalidPipelineInput');
    const message = explainError(err, stack.client, workflowId);
    expect(message).toContain('instanceId:');
    expect(message).toContain('imageName:');
    const after = await stack.emulator.admin.requests();
    expect(after.counts).toEqual(before.counts);
  });
});
