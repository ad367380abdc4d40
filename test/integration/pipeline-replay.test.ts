/**
 * Determinism: histories of real pipelines (completed, approved, compensated, cancelled) replay against
 * the current workflow code without nondeterminism, both freshly recorded ones and the ones kept under
 * test/replay/ (recorded by earlier versions; refresh with CVM_RECORD_HISTORIES=1).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { replayHistories } from '../chaos/replay';
import { FAST_DURATIONS } from '../helpers/emulator';
import {
  onlineInstanceWithDataDisk,
  progressWhen,
  REGION,
  startBench,
  type PipelineBench,
  type PipelineHandle,
} from '../helpers/pipeline';
import { workflowBundle } from '../helpers/temporal';

jest.setTimeout(90_000);

const REPLAY_DIR = path.join(__dirname, '..', 'replay');
type History = temporal.api.history.v1.IHistory;

let bench: PipelineBench;
const fresh: { workflowId: string; name: string; history: History }[] = [];

async function record(name: string, handle: PipelineHandle): Promise<void> {
  const history = await handle.fetchHistory();
  fresh.push({ name, workflowId: handle.workflowId, history });
  if (process.env.CVM_RECORD_HISTORIES === '1')
    writeFileSync(
      path.join(REPLAY_DIR, `${name}.json`),
      JSON.stringify(temporal.api.history.v1.History.fromObject(history).toJSON(), null, 1),
    );
}

beforeAll(async () => {
  // Snapshots start right after CreateImage (#13 item 3): they outlast the image, so their progress is signalled.
  bench = await startBench({ emulator: { durations: { ...FAST_DURATIONS, snapshotCreateMs: 3000 } } });
  const { emu } = bench;
  const pre2018 = () => onlineInstanceWithDataDisk({ createdTime: '2017-03-01T00:00:00Z' });

  const online = await bench.start({
    region: REGION,
    instanceId: await emu.admin.createInstance(onlineInstanceWithDataDisk()),
    imageName: 'replay-online',
    launch: { count: 1 },
  });
  await online.result();
  await record('completed-online-launch', online);

  const approved = await bench.start({
    region: REGION,
    instanceId: await emu.admin.createInstance(pre2018()),
    imageName: 'replay-approved',
    approval: { required: true },
  });
  await progressWhen(approved, (p) => p.stage === 'awaiting-approval', 'approval');
  await approved.executeUpdate('approveShutdown');
  await approved.result();
  await record('completed-stopped-approved', approved);

  await emu.admin.faults({ rules: [{ action: 'CreateImage', resultState: 'CREATEFAILED', count: 1 }] });
  const failed = await bench.start({
    region: REGION,
    instanceId: await emu.admin.createInstance(pre2018()),
    imageName: 'replay-failed',
  });
  await failed.result().catch(() => undefined);
  await record('failed-createfailed-compensated', failed);

  await emu.admin.config({ durations: { ...FAST_DURATIONS, imageCreateMs: 2000 } });
  const cancelled = await bench.start({
    region: REGION,
    instanceId: await emu.admin.createInstance(onlineInstanceWithDataDisk()),
    imageName: 'replay-cancelled',
  });
  await progressWhen(cancelled, (p) => p.stage === 'waiting-for-image', 'image wait');
  await cancelled.cancel();
  await cancelled.result().catch(() => undefined);
  await record('cancelled-image-wait', cancelled);
});
afterAll(async () => bench?.close());

async function replay(histories: { workflowId: string; history: unknown }[]) {
  const outcomes: { workflowId: string; error?: string }[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: workflowBundle() }, histories)) {
    outcomes.push({ workflowId: r.workflowId, error: r.error?.message });
  }
  return outcomes;
}

describe('workflow histories replay', () => {
  it('freshly recorded ones, including a snapshot-progress signal, an update, compensation and a cancel', async () => {
    expect(fresh.map((f) => f.name)).toHaveLength(4);
    const signals = fresh[0].history.events!.filter((e) => e.workflowExecutionSignaledEventAttributes);
    expect(signals.length).toBeGreaterThan(0);
    const outcomes = await replay(fresh);
    expect(outcomes).toEqual(fresh.map((f) => ({ workflowId: f.workflowId, error: undefined })));
  });

  it('the ones kept under test/replay/', async () => {
    const files = readdirSync(REPLAY_DIR).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    const stored = files.map((f) => ({
      workflowId: f.replace(/\.json$/, ''),
      history: temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(path.join(REPLAY_DIR, f), 'utf8'))),
    }));
    const outcomes = await replay(stored);
    expect(outcomes).toEqual(stored.map((s) => ({ workflowId: s.workflowId, error: undefined })));
  });

  it('a changed workflow would be caught: a history missing a command fails to replay', async () => {
    // Proof that replay can fail: drop the first activity the online run scheduled.
    const history = structuredClone(fresh[0].history);
    const i = history.events!.findIndex((e) => e.activityTaskScheduledEventAttributes);
    history.events!.splice(i, 1);
    const [outcome] = await replay([{ workflowId: 'tampered', history }]);
    expect(outcome.error).toMatch(/History is out of order|nondetermin/i); // the gap, found; not any failure
    // The suite's teardown replays with test/chaos/replay.ts (on workflow threads): it must catch it too.
    const report = await replayHistories([{ workflowId: 'tampered', history }], { workflowBundle: workflowBundle() });
    expect(report.failures).toEqual([
      { workflowId: 'tampered', error: expect.stringMatching(/out of order|nondetermin/i) },
    ]);
  });
});
