/**
 * Fleet mode (docs/scale-out.md) on the real dev server: a pipeline's budgeted activities run from the
 * (class, region) task queues, and the server holds each queue's dispatch rate as the workers ask.
 */
import { temporal } from '@temporalio/proto';
import { budgetQueue } from '../../src/contract/budget';
import { dispatchRate } from '../../src/activities/fleet';
import { createWorkerGroup } from '../../src/worker';
import { pipelineWorkflowId, WORKFLOW_TYPE } from '../../src/contract';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { REGION } from '../helpers/pipeline';
import { testClient, testNativeConnection, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';

const { EventType, TaskQueueType } = temporal.api.enums.v1;

let emu: TestEmulator;
afterAll(async () => emu?.close());

it('routes budgeted activities to their (class, region) queues, each at its dispatch rate', async () => {
  emu = await startTestEmulator();
  const { client, connection } = await testClient();
  const native = await testNativeConnection();
  const taskQueue = uniqueTaskQueue('fleet');
  const group = await createWorkerGroup({
    mode: 'fleet',
    regions: [REGION],
    connection: native,
    taskQueue,
    workflowBundle: workflowBundle(),
    deps: { clients: emu.clients, pollIntervalMs: 50, visibilityGraceMs: 5000 },
    maxHeartbeatThrottleInterval: '200ms',
  });
  const running = group.run();
  try {
    const instanceId = await emu.admin.createInstance({ region: REGION });
    const handle = await client.workflow.start(WORKFLOW_TYPE, {
      taskQueue,
      workflowId: pipelineWorkflowId(REGION, instanceId),
      args: [{ region: REGION, instanceId, imageName: 'fleet-budget', fstab: 'ignore' }],
    });
    await handle.result();

    const history = await handle.fetchHistory();
    const queues = new Map<string, string>();
    for (const e of history.events ?? []) {
      const a = e.activityTaskScheduledEventAttributes;
      if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && a)
        queues.set(a.activityType?.name ?? '', a.taskQueue?.name ?? '');
    }
    expect(queues.get('checkImageQuota')).toBe(budgetQueue(taskQueue, 'quota', REGION));
    expect(queues.get('createImage')).toBe(budgetQueue(taskQueue, 'image', REGION));
    expect(queues.get('waitForImage')).toBe(budgetQueue(taskQueue, 'wait', REGION));

    // The rate each worker sends with its polls, as the server holds it for the queue.
    const described = await connection.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: budgetQueue(taskQueue, 'image', REGION) },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    expect(described.pollers?.map((p) => p.ratePerSecond)).toContain(dispatchRate('image'));
  } finally {
    group.shutdown();
    await running;
    await native.close();
    await connection.close();
  }
});
