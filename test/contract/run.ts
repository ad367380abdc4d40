/** Runs the scenarios in order against one target; a scenario whose prerequisite did not pass is skipped. */
import type { TencentClients } from '../../src/cloud/clients';
import type { ContractConfig, ContractContext } from './context';
import { RUN_TAG_KEY } from './context';
import type { ScenarioResult } from './report';
import type { Scenario } from './scenarios';

export async function runScenarios(
  scenarios: Scenario[],
  config: ContractConfig,
  clients: TencentClients,
  log: (line: string) => void = () => {},
): Promise<{ results: ScenarioResult[]; ctx: ContractContext }> {
  const ctx: ContractContext = {
    ...config,
    clients,
    ledger: {},
    runTag: { Key: RUN_TAG_KEY, Value: config.runId },
    timings: {},
  };
  const results: ScenarioResult[] = [];
  for (const s of scenarios) {
    const unmet = s.needs.filter((n) => results.find((r) => r.scenario === n)?.outcome !== 'passed');
    const skip = unmet.length ? `needs ${unmet.join(', ')}` : s.skipIf?.(ctx);
    if (skip) {
      results.push({ scenario: s.id, outcome: 'skipped', facts: {}, timingsMs: {}, error: skip });
      log(`SKIP  ${s.id}: ${skip}`);
      continue;
    }
    ctx.timings = {};
    try {
      const facts = await s.run(ctx);
      results.push({ scenario: s.id, outcome: 'passed', facts, timingsMs: ctx.timings });
      log(`PASS  ${s.id} ${JSON.stringify(facts)}`);
    } catch (err) {
      const error = `${(err as { code?: string }).code ?? ''} ${(err as Error).message}`.trim();
      results.push({ scenario: s.id, outcome: 'failed', facts: {}, timingsMs: ctx.timings, error });
      log(`FAIL  ${s.id}: ${error}`);
    }
  }
  return { results, ctx };
}
