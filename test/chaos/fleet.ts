/**
 * A fleet of pipelines for a chaos scenario: a mix of source instances (imaged online, stopped and started
 * again, launched and verified, already stopped), started at once, followed to their end through server
 * restarts and worker crashes, and recorded for the invariant checker.
 */
import {
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
  WorkflowFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { FixtureInstance } from '../../src/emulator/cvm/fixtures';
import {
  pipelineWorkflowId,
  WORKFLOW_TYPE,
  type CreateCustomImageInput,
  type CreateCustomImageResult,
} from '../../src/contract';
import type { TestEmulator } from '../helpers/emulator';
import type { Outcome, PipelineRecord } from './invariants';

export const FLEET_REGIONS = ['ap-guangzhou', 'ap-shanghai', 'ap-beijing'];

const FSTAB_WITH_DATA = [
  '# /etc/fstab',
  'LABEL=cloudimg-rootfs / ext4 defaults 0 1',
  '/swapfile none swap sw 0 0',
  'UUID=6f1b2c3d-aaaa-4bbb-8ccc-0123456789ab /data ext4 defaults 0 2',
  '',
].join('\n');

export interface FleetMember {
  fixture: FixtureInstance;
  input: Omit<CreateCustomImageInput, 'region' | 'instanceId' | 'imageName'>;
}

/** Four kinds, round robin: online + data disk; pre-2018 (stopped, started again); launched; stopped + kept. */
export function fleetMember(i: number): FleetMember {
  const region = FLEET_REGIONS[i % FLEET_REGIONS.length];
  const withData: FixtureInstance = {
    region,
    dataDisks: [{ sizeGb: 20, fsUuid: '6f1b2c3d-aaaa-4bbb-8ccc-0123456789ab', fsLabel: 'data1' }],
    files: { '/etc/fstab': FSTAB_WITH_DATA, '/data/README': 'business data\n' },
  };
  switch (i % 4) {
    case 0:
      return { fixture: withData, input: {} };
    case 1:
      return { fixture: { ...withData, createdTime: '2017-03-01T00:00:00Z' }, input: {} };
    case 2:
      return { fixture: withData, input: { launch: { count: 1 } } };
    default:
      return { fixture: { region, state: 'STOPPED' }, input: { launch: { count: 1, keep: true } } };
  }
}

export interface StartedPipeline {
  record: Omit<PipelineRecord, 'outcome'>;
  handle: WorkflowHandle;
}

/** Creates the fixtures first (so a baseline can be read), then starts one pipeline per instance. */
export async function prepareFleet(emu: TestEmulator, count: number, tag: string) {
  const members = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const m = fleetMember(i);
      const instanceId = await emu.admin.createInstance(m.fixture);
      return { ...m, instanceId, index: i };
    }),
  );
  const state = await emu.admin.state();
  return members.map((m) => {
    const src = state.instances.find((x) => x.id === m.instanceId)!;
    const input: CreateCustomImageInput = {
      region: src.region,
      instanceId: m.instanceId,
      imageName: `chaos-${tag}-${m.index}`,
      ...m.input,
    };
    return {
      input,
      record: {
        workflowId: pipelineWorkflowId(input.region, input.instanceId),
        region: input.region,
        sourceInstanceId: m.instanceId,
        imageName: input.imageName,
        launch: input.launch && { count: input.launch.count, keep: input.launch.keep ?? false },
        original: { state: src.state, fstab: src.files['/etc/fstab'] },
      },
    };
  });
}

export async function startPipeline(
  client: Client,
  taskQueue: string,
  input: CreateCustomImageInput,
): Promise<WorkflowHandle> {
  return client.workflow.start(WORKFLOW_TYPE, {
    taskQueue,
    workflowId: pipelineWorkflowId(input.region, input.instanceId),
    workflowIdConflictPolicy: 'FAIL',
    args: [input],
  });
}

/** The run's end as an outcome; anything but the run's own failure (e.g. the server gone) is thrown. */
export async function endOf(handle: WorkflowHandle): Promise<Outcome> {
  try {
    return { status: 'completed', result: (await handle.result()) as CreateCustomImageResult };
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    return failedOutcome(err);
  }
}

/** Follows a run to its end, riding out a restarting server; `unfinished` if it has not ended by the deadline. */
export async function outcomeOf(handle: WorkflowHandle, deadline: number): Promise<Outcome> {
  for (;;) {
    try {
      return await endOf(handle);
    } catch (err) {
      // The server restarting (UNAVAILABLE, connection reset): ask again.
      if (Date.now() > deadline) return { status: 'unfinished', message: String((err as Error).message ?? err) };
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export function failedOutcome(err: WorkflowFailedError): Outcome {
  const cause = err.cause;
  if (cause instanceof CancelledFailure) return { status: 'cancelled', message: cause.message };
  if (cause instanceof TerminatedFailure) return { status: 'terminated', message: cause.message };
  if (cause instanceof TimeoutFailure) return { status: 'timed-out', message: cause.message };
  const type = (cause as { type?: string } | undefined)?.type;
  return { status: 'failed', failureType: type ?? undefined, message: cause?.message ?? err.message };
}

/** Races every run against one deadline; a run still open then is recorded as unfinished. */
export async function followAll(
  started: StartedPipeline[],
  timeoutMs: number,
  onSettled?: (done: number) => void,
): Promise<PipelineRecord[]> {
  const deadline = Date.now() + timeoutMs;
  let done = 0;
  return Promise.all(
    started.map(async ({ record, handle }) => {
      const outcome = await Promise.race([
        outcomeOf(handle, deadline),
        new Promise<Outcome>((r) =>
          setTimeout(
            () => r({ status: 'unfinished', message: `still open after ${timeoutMs} ms` }),
            Math.max(0, deadline - Date.now()),
          ).unref(),
        ),
      ]);
      onSettled?.(++done);
      return { ...record, outcome };
    }),
  );
}
