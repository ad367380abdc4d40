/**
 * Runs the step cases one at a time (fault rules are global to the emulator) against a worker process,
 * and checks after each that compensation left the cloud exactly as before. Two table rows: failure
 * points and cancellation points.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { PipelineProgress } from '../../src/contract';
import { FAST_DURATIONS, waitFor, type FaultsBody } from '../helpers/emulator';
import { startChaosEnv, type ChaosEnv } from './environment';
import { endOf, startPipeline } from './fleet';
import { baselineOf, checkInvariants, type PipelineRecord, type Violation } from './invariants';
import type { ScenarioOutcome } from './scenarios';
import { CANCEL_POINTS, FAILURE_POINTS, type StepCase } from './step-cases';
import type { ScenarioRow } from './table';

export interface StepOptions {
  address?: string;
  pollIntervalMs: number;
  log?: (line: string) => void;
  /** Subsets, for a quick run. */
  failures?: StepCase[];
  cancels?: StepCase[];
}

interface CaseResult {
  record: PipelineRecord;
  violations: Violation[];
  matched: boolean;
  history: unknown;
}

async function stageReached(handle: WorkflowHandle, stage: string, what: string): Promise<void> {
  await waitFor(
    async () => {
      const p = await handle.query<PipelineProgress>('progress').catch(() => undefined);
      if (p && ['completed', 'failed', 'cancelled'].includes(p.stage) && p.stage !== stage)
        throw new Error(`${what}: the run ended (${p.stage}) before reaching ${stage}`);
      return p?.stage === stage;
    },
    { timeoutMs: 60_000, intervalMs: 40, what: `${what} to reach ${stage}` },
  );
}

async function runCase(env: ChaosEnv, c: StepCase, n: number): Promise<CaseResult> {
  const { emu } = env;
  await emu.admin.config({ durations: { ...FAST_DURATIONS, ...c.durations } });
  const instanceId = await emu.admin.createInstance(c.fixture);
  const state0 = await emu.admin.state();
  const src = state0.instances.find((i) => i.id === instanceId)!;
  const rules: FaultsBody['rules'] = [...(c.faults ?? [])];
  await emu.admin.faults({ seed: n, rules });
  const input = { region: src.region, instanceId, imageName: `step-${n}`, ...c.input };
  const handle = await startPipeline(env.client, env.taskQueue, input);
  try {
    if (c.later) {
      await stageReached(handle, c.later.at, c.name);
      await emu.admin.faults({ seed: n, rules: [...rules, ...c.later.rules] });
    }
    if (c.cancelAt) {
      await stageReached(handle, c.cancelAt, c.name);
      await handle.cancel();
    }
  } catch (err) {
    await handle.terminate('chaos step case could not be driven').catch(() => undefined);
    throw err;
  }
  const outcome = await endOf(handle);
  await emu.admin.clearFaults();
  const record: PipelineRecord = {
    workflowId: handle.workflowId,
    region: src.region,
    sourceInstanceId: instanceId,
    imageName: input.imageName,
    launch: c.input.launch && { count: c.input.launch.count, keep: c.input.launch.keep ?? false },
    original: { state: src.state, fstab: src.files['/etc/fstab'] },
    outcome,
  };
  const { violations } = checkInvariants(await emu.admin.state(), baselineOf(state0), [record]);
  const got = outcome.status === 'failed' ? outcome.failureType : outcome.status;
  return { record, violations, matched: got === c.expect, history: await handle.fetchHistory() };
}

async function runCases(env: ChaosEnv, name: string, cases: StepCase[], opts: StepOptions): Promise<ScenarioOutcome> {
  const t0 = Date.now();
  const results: CaseResult[] = [];
  for (const [i, c] of cases.entries()) {
    const r = await runCase(env, c, results.length + (name === 'cancel' ? 100 : 0));
    results.push(r);
    const o = r.record.outcome;
    const got = o.status === 'failed' ? o.failureType : o.status;
    const verdict = r.matched && !r.violations.length ? 'clean' : 'NOT CLEAN';
    opts.log?.(`  ${i + 1}. ${c.cancelAt ? `cancel in ${c.name}` : `fail at ${c.name}`}: ${got} (${verdict})`);
    for (const v of r.violations) opts.log?.(`     ! ${v.kind} ${v.resource}: ${v.detail}`);
    if (!r.matched) opts.log?.(`     ! expected ${c.expect}: ${'message' in o ? o.message : ''}`);
  }
  const violations = results.flatMap((r) => r.violations);
  const count = (k: Violation['kind']) => violations.filter((v) => v.kind === k).length;
  const row: ScenarioRow = {
    scenario: name === 'cancel' ? 'cancel in every stage' : 'failure at every step',
    faults: name === 'cancel' ? `${cases.length} stages cancelled` : `${cases.length} permanent faults`,
    pipelines: results.length,
    completed: results.filter((r) => r.record.outcome.status === 'completed').length,
    failedClean: results.filter((r) => r.matched && !r.violations.length).length,
    duplicates: count('duplicate'),
    orphans: count('orphan'),
    notRestored: new Set(violations.filter((v) => v.kind === 'not-restored').map((v) => v.resource)).size,
    missing: count('missing') + count('unfinished'),
    seconds: (Date.now() - t0) / 1000,
  };
  return {
    row,
    records: results.map((r) => r.record),
    violations,
    workerLog: env.worker.log(),
    histories: results.map((r) => ({ workflowId: r.record.workflowId, history: r.history })),
  };
}

export async function runStepScenarios(opts: StepOptions): Promise<ScenarioOutcome[]> {
  const env = await startChaosEnv({
    address: opts.address,
    taskQueue: `chaos-steps-${Date.now().toString(36)}`,
    durations: FAST_DURATIONS,
    pollIntervalMs: opts.pollIntervalMs,
  });
  try {
    await env.emu.admin.config({ imageQuota: 10_000 });
    return [
      await runCases(env, 'fail', opts.failures ?? FAILURE_POINTS, opts),
      await runCases(env, 'cancel', opts.cancels ?? CANCEL_POINTS, opts),
    ];
  } finally {
    await env.close();
  }
}
