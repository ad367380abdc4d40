/**
 * Bad input end to end: a few cases of the catalog (test/helpers/bad-input-catalog.ts, every case checked
 * against validation in test/unit/bad-input.test.ts) prove that a refusal reaches the real workflow's failure,
 * ONE non-retryable failure naming the field, before any cloud call (the emulator's request counters do
 * not move). Inputs that need the cloud to be judged (a missing instance, one being terminated) may only read.
 */
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { CATALOG } from '../helpers/bad-input-catalog';
import { FAST_DURATIONS } from '../helpers/emulator';
import { WORKFLOW_TYPE, type CreateCustomImageInput } from '../../src/contract';
import {
  callsBetween,
  leftovers,
  onlineInstanceWithDataDisk,
  REGION,
  startBench,
  type PipelineBench,
} from '../helpers/pipeline';

jest.setTimeout(120_000);

let bench: PipelineBench;
let instanceId: string;
beforeAll(async () => {
  bench = await startBench();
  instanceId = await bench.emu.admin.createInstance(onlineInstanceWithDataDisk());
});
afterAll(async () => bench?.close());

const ok = (): CreateCustomImageInput => ({ region: REGION, instanceId, imageName: 'catalog-ok' });
/** One of each kind: not an object, an injection, our own run tag spoofed, a prototype trick through JSON. */
const END_TO_END = ['null input', 'name with $(command)', 'tag spoofing the run tag', 'a __proto__ field'];

let seq = 0;
async function refusal(input: unknown) {
  const handle = await bench.client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: bench.taskQueue,
    workflowId: `bad-input-${Date.now().toString(36)}-${seq++}`,
    args: [input as CreateCustomImageInput],
  });
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return { handle, failure: cause as ApplicationFailure };
}

describe('the bad-input catalog, end to end', () => {
  const cases = CATALOG.filter((c) => END_TO_END.includes(c.name));
  it('picks its cases from the catalog', () => expect(cases.map((c) => c.name)).toEqual(END_TO_END));

  it.each(cases.map((c) => [c.name, c] as const))('%s: refused before any cloud call', async (_name, c) => {
    const req0 = await bench.emu.admin.requests();
    const { failure } = await refusal(c.input());
    expect(failure.type).toBe('InvalidPipelineInput');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain(`${c.field}:`);
    if (c.says) expect(failure.message).toMatch(c.says);
    // One problem list naming the field, for programs (the CLI maps fields to flags).
    const problems = (failure.details?.[0] as { problems: { field: string }[] }).problems;
    expect(problems.map((p) => p.field)).toContain(c.field);
    expect(callsBetween(req0, await bench.emu.admin.requests())).toEqual({});
  });

  it('a valid input is not refused (the catalog does not refuse everything)', async () => {
    const req0 = await bench.emu.admin.requests();
    const handle = await bench.client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: bench.taskQueue,
      workflowId: `bad-input-control-${Date.now().toString(36)}`,
      args: [{ ...ok(), imageName: 'n'.repeat(60), dryRun: true }],
    });
    expect((await handle.result()).dryRun).toBe(true);
    expect(callsBetween(req0, await bench.emu.admin.requests()).DescribeInstances).toBeGreaterThan(0);
  });
});

describe('inputs the cloud must judge are refused after reads only', () => {
  const MUTATING = /^(Create|Delete|Run|Start|Stop|Terminate|Modify|Sync|Attach)/;

  async function refusedAfterReads(input: CreateCustomImageInput, type: string) {
    const state0 = await bench.emu.admin.state();
    const req0 = await bench.emu.admin.requests();
    const { handle, failure } = await refusal(input);
    expect(failure.type).toBe(type);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('instanceId:');
    const calls = callsBetween(req0, await bench.emu.admin.requests());
    expect(Object.keys(calls).filter((a) => MUTATING.test(a))).toEqual([]);
    const { newImages, newSnapshots, newInstances } = await leftovers(bench.emu, state0);
    expect([newImages, newSnapshots, newInstances]).toEqual([[], [], []]);
    // Refused at the first attempt: no retry storm against the cloud.
    const events = (await handle.fetchHistory()).events!;
    const attempts = events.flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []);
    expect(attempts).toEqual([1]);
  }

  it('an instance that does not exist', async () => {
    await refusedAfterReads({ ...ok(), instanceId: 'ins-00000000' }, 'TencentResourceNotFound');
  });

  it('an instance of another region', async () => {
    await refusedAfterReads({ ...ok(), region: 'ap-singapore' }, 'TencentResourceNotFound');
  });

  it('an instance being terminated', async () => {
    const { emu } = bench;
    await emu.admin.config({ durations: { ...FAST_DURATIONS, instanceTerminateMs: 60_000 } });
    const doomed = await emu.admin.createInstance({ region: REGION });
    await emu.clients.cvm(REGION).TerminateInstances({ InstanceIds: [doomed] });
    await refusedAfterReads({ ...ok(), instanceId: doomed }, 'InstanceUnsuitable');
  });
});

describe('payloads too large for Temporal', () => {
  it('an input over the 2 MB blob limit never starts a run', async () => {
    const req0 = await bench.emu.admin.requests();
    const huge = { ...ok(), imageDescription: 'd'.repeat(3 * 1024 * 1024) };
    const started = bench.client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: bench.taskQueue,
      workflowId: `bad-input-huge-${Date.now().toString(36)}`,
      args: [huge],
    });
    await expect(started).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/Blob data size exceeds limit/) },
    });
    expect(callsBetween(req0, await bench.emu.admin.requests())).toEqual({});
  });
});
