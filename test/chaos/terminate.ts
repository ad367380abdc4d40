/**
 * Terminate at every stage, then one janitor pass (#13 done-when): each cancellation point's run is
 * terminated (no compensation runs) once it reaches its stage; after the last one, `reconcileOrphans`
 * runs once per region with apply, and the invariants are checked over every run: nothing of a run left
 * (no orphan), nothing made twice, every source instance back as it was with its /etc/fstab.
 */
import { RECONCILE_WORKFLOW_TYPE, type PipelineProgress } from '../../src/contract';
import { FAST_DURATIONS, waitFor } from '../helpers/emulator';
import { startChaosEnv } from './environment';
import { endOf, startPipeline } from './fleet';
import { baselineOf, checkInvariants, type PipelineRecord, type Violation } from './invariants';
import type { ScenarioOutcome } from './scenarios';
import { CANCEL_POINTS, type StepCase } from './step-cases';
import type { ScenarioRow } from './table';

/** Long enough for an activity still running after its run was terminated to end (heartbeat throttle 5 s). */
const SETTLE_MS = 6000;

export async function runTerminateScenario(opts: {
  address?: string;
  pollIntervalMs: number;
  log?: (line: string) => void;
  cases?: StepCase[];
  /** false: no janitor pass, to see what terminated runs leave (the checker must then report it). */
  janitor?: boolean;
}): Promise<ScenarioOutcome> {
  const cases = opts.cases ?? CANCEL_POINTS;
  const env = await startChaosEnv({
    address: opts.address,
    taskQueue: `chaos-terminate-${Date.now().toString(36)}`,
    durations: FAST_DURATIONS,
    pollIntervalMs: opts.pollIntervalMs,
  });
  const { emu, client } = env;
  try {
    await emu.admin.config({ imageQuota: 10_000 });
    const t0 = Date.now();
    const sources: string[] = [];
    for (const c of cases) sources.push(await emu.admin.createInstance(c.fixture));
    const state0 = await emu.admin.state();
    const records: PipelineRecord[] = [];
    const histories: ScenarioOutcome['histories'] = [];
    for (const [n, c] of cases.entries()) {
      const src = state0.instances.find((i) => i.id === sources[n])!;
      await emu.admin.config({ durations: { ...FAST_DURATIONS, ...c.durations } });
      await emu.admin.faults({ seed: 200 + n, rules: [...(c.faults ?? [])] });
      const input = { region: src.region, instanceId: src.id, imageName: `terminate-${n}`, ...c.input };
      const handle = await startPipeline(client, env.taskQueue, input);
      const stage = c.cancelAt!;
      if (c.later) {
        await reached(handle, c.later.at);
        await emu.admin.faults({ seed: 200 + n, rules: [...(c.faults ?? []), ...c.later.rules] });
      }
      const seen = await reached(handle, stage);
      await handle.terminate(`chaos: terminated in ${stage}`);
      const outcome = await endOf(handle);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      await emu.admin.clearFaults();
      opts.log?.(`  ${n + 1}. terminated in ${stage}: ${seen ? outcome.status : 'stage not reached'}`);
      records.push({
        workflowId: handle.workflowId,
        region: src.region,
        sourceInstanceId: src.id,
        imageName: input.imageName,
        launch: c.input.launch && { count: c.input.launch.count, keep: c.input.launch.keep ?? false },
        original: { state: src.state, fstab: src.files['/etc/fstab'] },
        outcome,
      });
      histories.push({ workflowId: handle.workflowId, history: await handle.fetchHistory() });
    }
    await emu.admin.config({ durations: FAST_DURATIONS });
    // One janitor pass per region, applying what it finds.
    const undone: string[] = [];
    for (const region of opts.janitor === false ? [] : new Set(records.map((r) => r.region))) {
      const pass = await client.workflow.execute(RECONCILE_WORKFLOW_TYPE, {
        taskQueue: env.taskQueue,
        workflowId: `chaos-janitor-${region}-${Date.now()}`,
        args: [{ region, apply: true }],
      });
      undone.push(...((pass as { undone?: string[] }).undone ?? []));
    }
    opts.log?.(`  janitor: ${undone.length} undo step(s)`);
    const { violations } = checkInvariants(await emu.admin.state(), baselineOf(state0), records);
    for (const v of violations) opts.log?.(`     ! ${v.kind} ${v.resource}: ${v.detail}`);
    const count = (k: Violation['kind']) => violations.filter((v) => v.kind === k).length;
    const bad = new Set(violations.map((v) => v.workflowId).filter(Boolean));
    const row: ScenarioRow = {
      scenario: 'terminate in every stage + janitor',
      faults: `${cases.length} stages terminated, ${opts.janitor === false ? 'no' : '1'} janitor pass`,
      pipelines: records.length,
      completed: records.filter((r) => r.outcome.status === 'completed').length,
      failedClean: records.filter((r) => r.outcome.status === 'terminated' && !bad.has(r.workflowId)).length,
      duplicates: count('duplicate'),
      orphans: count('orphan'),
      notRestored: new Set(violations.filter((v) => v.kind === 'not-restored').map((v) => v.resource)).size,
      missing: count('missing') + count('unfinished'),
      seconds: (Date.now() - t0) / 1000,
    };
    return { row, records, violations, workerLog: env.worker.log(), histories };
  } finally {
    await env.close();
  }
}

async function reached(handle: { query<T>(name: string): Promise<T> }, stage: string): Promise<boolean> {
  return waitFor(
    async () => {
      const p = await handle.query<PipelineProgress>('progress').catch(() => undefined);
      if (p && ['completed', 'failed', 'cancelled'].includes(p.stage)) return false;
      return p?.stage === stage ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 40, what: `the run to reach ${stage}` },
  );
}
