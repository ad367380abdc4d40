/**
 * createCustomImage's timing logic on Temporal's time-skipping test server, with stub activities: the
 * saga's undo order (newest first) after a failure, the default 1 h approval timeout (skipped, not waited
 * for), and cancellation during a long wait. What the cloud does in these cases is covered end to end by
 * the integration tests (pipeline-failures, pipeline-cancel, pipeline-shutdown) against the emulator.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { FLEET_ROUTING_ACTIVITY } from '../../src/contract/budget';
import type { FstabLine, InstanceFacts } from '../../src/contract/activities';
import { WORKFLOW_TYPE } from '../../src/contract/workflow-names';
import type { CreateCustomImageInput, PipelineProgress } from '../../src/contract/pipeline';
import { startTimeSkipping, stubWorker } from '../helpers/time-skipping';

jest.setTimeout(60_000);

const REGION = 'ap-guangzhou';
const INSTANCE = 'ins-0a1b2c3d';
const IMAGE = 'img-0a1b2c3d';
const FSTAB_LINE: FstabLine = { line: 5, text: 'UUID=… /data ext4', reason: 'UUID on vdb' };
/** Made before 2018-07-01: the seed's rule says it must be stopped to be imaged. */
const SOURCE: InstanceFacts = {
  instanceId: INSTANCE,
  region: REGION,
  zone: 'ap-guangzhou-3',
  instanceType: 'S5.MEDIUM4',
  state: 'RUNNING',
  createdTime: '2016-01-01T00:00:00Z',
  imageId: 'img-source00',
  sourceImageType: 'PUBLIC_IMAGE',
  osName: 'Ubuntu Server 22.04 LTS 64bit',
  platform: 'LINUX',
  dataDisks: [{ diskId: 'disk-0a1b2c3d', sizeGb: 50 }],
};

type Behaviour = Partial<Record<string, (args: Record<string, unknown>) => Promise<unknown>>>;

/** Stub activities that answer as a healthy cloud would and record every call, in order. */
function stubActivities(calls: string[], override: Behaviour = {}) {
  const answers: Behaviour = {
    inspectInstance: async () => SOURCE,
    checkImageQuota: async () => ({ quota: 10, used: 0, occupants: [] }),
    fixFstab: async () => ({ dataLines: [FSTAB_LINE], keptLines: 3, fixed: true }),
    restoreFstab: async () => ({ restored: 1 }),
    stopInstance: async () => ({ requested: true }),
    startInstance: async () => ({ requested: true }),
    waitForInstances: async (a) => a.instanceIds,
    createImage: async () => ({ imageId: IMAGE, adopted: false }),
    waitForImage: async () => ({ imageId: IMAGE, state: 'NORMAL', snapshotIds: [], snapshotGb: 20 }),
    deleteImage: async () => [IMAGE],
    createSnapshot: async () => ({ snapshotId: 'snap-0a1b2c3d', adopted: false }),
    waitForSnapshots: async () => [
      { snapshotId: 'snap-0a1b2c3d', diskId: 'disk-0a1b2c3d', sizeGb: 50, state: 'NORMAL', percent: 100 },
    ],
    deleteSnapshots: async () => ['snap-0a1b2c3d'],
    launchInstances: async () => ['ins-1a2b3c4d'],
    verifyAgentsOnline: async (a) => a.instanceIds,
    applyFstabLines: async () => ({ mounted: true }),
    terminateInstances: async (a) => a.instanceIds,
    reconcileRun: async () => ({
      settledMs: 0,
      sourceStarted: false,
      fstabRestored: 0,
      removed: { imageIds: [], snapshotIds: [], instanceIds: [] },
    }),
    ...override,
  };
  const recorded = Object.fromEntries(
    Object.entries(answers).map(([name, answer]) => [
      name,
      async (args: Record<string, unknown>) => {
        calls.push(name === 'waitForInstances' ? `${name}(${String(args.target)})` : name);
        return answer!(args);
      },
    ]),
  );
  return { ...recorded, [FLEET_ROUTING_ACTIVITY]: async () => ({ enabled: false }) };
}

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
}, 120_000);
afterAll(async () => env?.teardown());

async function withWorker<T>(activities: object, body: (taskQueue: string, worker: Worker) => Promise<T>): Promise<T> {
  const taskQueue = `timing-${randomUUID().slice(0, 8)}`;
  const worker = await stubWorker(env, taskQueue, activities);
  return worker.runUntil(body(taskQueue, worker));
}

const start = (taskQueue: string, input: Partial<CreateCustomImageInput> = {}) =>
  env.client.workflow.start(WORKFLOW_TYPE, {
    taskQueue,
    workflowId: `timing-${randomUUID()}`,
    args: [{ region: REGION, instanceId: INSTANCE, imageName: 'timing-1', ...input }],
  });

async function failure(result: Promise<unknown>): Promise<ApplicationFailure | CancelledFailure> {
  const err = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return (err as WorkflowFailedError).cause as ApplicationFailure | CancelledFailure;
}

describe('the saga undoes newest first', () => {
  it('a failed image wait: the image goes, the instance starts again, then /etc/fstab comes back', async () => {
    const calls: string[] = [];
    const activities = stubActivities(calls, {
      waitForImage: async () => {
        throw ApplicationFailure.nonRetryable('image img-0a1b2c3d ended CREATEFAILED', 'ImageCreateFailed');
      },
    });
    const cause = await withWorker(activities, async (q) => failure((await start(q)).result()));
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(calls).toEqual([
      'inspectInstance',
      'checkImageQuota',
      'fixFstab',
      'stopInstance',
      'waitForInstances(STOPPED)',
      'createImage',
      // The data-disk snapshots are requested inside the stopped window (#13 item 3).
      'createSnapshot',
      'waitForImage',
      // Undo, newest first: registered as fstab → start → image → snapshots.
      'deleteSnapshots',
      'deleteImage',
      'startInstance',
      'waitForInstances(RUNNING)',
      'restoreFstab',
      // Then the final re-check for calls the cloud applied late (#19 item 1).
      'reconcileRun',
    ]);
  });

  it('a failed launch check: launched instances go first, then the snapshots, then the image', async () => {
    const calls: string[] = [];
    const activities = stubActivities(calls, {
      verifyAgentsOnline: async () => {
        throw ApplicationFailure.nonRetryable('agent of ins-1a2b3c4d never came online', 'LaunchVerificationFailed');
      },
    });
    const cause = await withWorker(activities, async (q) =>
      failure((await start(q, { launch: { count: 1 } })).result()),
    );
    expect(cause).toBeInstanceOf(ApplicationFailure);
    const undo = calls.slice(calls.indexOf('verifyAgentsOnline') + 1);
    expect(undo).toEqual([
      'terminateInstances',
      'waitForInstances(GONE)',
      'deleteSnapshots',
      'deleteImage',
      'reconcileRun',
    ]);
    // The snapshots were requested while the source was stopped (#13 item 3); then it was restarted and its
    // /etc/fstab restored on the normal path.
    expect(calls.indexOf('createSnapshot')).toBeLessThan(calls.indexOf('startInstance'));
    expect(calls.indexOf('startInstance')).toBeLessThan(calls.indexOf('restoreFstab'));
    expect(calls.filter((c) => c === 'startInstance')).toHaveLength(1);
  });
});

describe('the shutdown approval', () => {
  it('times out after the default 1 h, not before, with nothing changed', async () => {
    const calls: string[] = [];
    const outcome = await withWorker(stubActivities(calls), async (q) => {
      const handle = await start(q, { approval: { required: true } });
      await env.sleep('59m');
      const waiting = await handle.query<PipelineProgress>('progress');
      const cause = await failure(handle.result());
      const timers = (await handle.fetchHistory()).events!.flatMap((e) => e.timerStartedEventAttributes ?? []);
      return { waiting, cause, timers: timers.map((t) => Number(t.startToFireTimeout!.seconds)) };
    });
    expect(outcome.waiting.stage).toBe('awaiting-approval');
    expect(outcome.waiting.waitingFor).toContain('within 1h');
    expect(outcome.cause).toBeInstanceOf(ApplicationFailure);
    expect((outcome.cause as ApplicationFailure).type).toBe('ApprovalTimedOut');
    expect(outcome.cause.message).toContain('within 1h');
    expect(outcome.timers).toEqual([3600]);
    expect(calls).toEqual(['inspectInstance', 'checkImageQuota']);
  });
});

describe('cancellation', () => {
  it('during the image wait: the wait is cancelled, then everything is undone newest first', async () => {
    const calls: string[] = [];
    let waitCancelled = false;
    const activities = stubActivities(calls, {
      // A long wait that heartbeats, as the real one does, until the workflow cancels it.
      waitForImage: async () => {
        const ctx = Context.current();
        for (;;) {
          ctx.heartbeat();
          try {
            await ctx.sleep(100);
          } catch (err) {
            waitCancelled = err instanceof CancelledFailure;
            throw err;
          }
        }
      },
    });
    const outcome = await withWorker(activities, async (q) => {
      const handle = await start(q);
      for (let i = 0; i < 200 && !calls.includes('waitForImage'); i++) await new Promise((r) => setTimeout(r, 50));
      await handle.cancel();
      const cause = await failure(handle.result());
      return { cause, progress: await handle.query<PipelineProgress>('progress') };
    });
    expect(outcome.cause).toBeInstanceOf(CancelledFailure);
    expect(waitCancelled).toBe(true);
    expect(outcome.progress.stage).toBe('cancelled');
    expect(calls.slice(calls.indexOf('waitForImage') + 1)).toEqual([
      'deleteSnapshots',
      'deleteImage',
      'startInstance',
      'waitForInstances(RUNNING)',
      'restoreFstab',
      'reconcileRun',
    ]);
  });
});
