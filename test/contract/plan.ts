/**
 * The plan and its cost ceiling, printed by `--dry-run` and checked before a live run starts. The prices are
 * our assumed upper bounds (CNY), not Tencent figures: check your region's price list and override them with
 * CVM_IMAGE_CONTRACT_PRICES='{"instanceHour":…,"snapshotGbHour":…}'. Charges are by usage (POSTPAID_BY_HOUR).
 */
import type { ContractContext } from './context';
import type { Scenario } from './scenarios';

export interface Prices {
  /** Smallest pay-as-you-go instance with its 50 GB system disk, per hour. */
  instanceHour: number;
  /** Image snapshot storage, per GB per hour. */
  snapshotGbHour: number;
}

export const ASSUMED_PRICES: Prices = { instanceHour: 1, snapshotGbHour: 0.001 };

export interface PlanLine {
  scenario: string;
  relies: string;
  creates: string;
  costCny: number;
  skipped?: string;
}

export interface Plan {
  lines: PlanLine[];
  /** Everything is billed for at most `hours` (the run's wall-clock bound, cleanup included). */
  hours: number;
  ceilingCny: number;
}

export function pricesFrom(env: NodeJS.ProcessEnv): Prices {
  const raw = env.CVM_IMAGE_CONTRACT_PRICES;
  if (!raw) return ASSUMED_PRICES;
  const parsed = JSON.parse(raw) as Partial<Prices>;
  for (const [k, v] of Object.entries(parsed)) {
    if (!(k in ASSUMED_PRICES) || typeof v !== 'number' || v < 0)
      throw new Error(`CVM_IMAGE_CONTRACT_PRICES: ${k} must be one of ${Object.keys(ASSUMED_PRICES)} and a number ≥ 0`);
  }
  return { ...ASSUMED_PRICES, ...parsed };
}

export function makePlan(
  scenarios: Scenario[],
  ctx: Pick<ContractContext, 'shareAccountId' | 'ownAccountId'> & Partial<ContractContext>,
  hours: number,
  prices: Prices,
): Plan {
  const lines = scenarios.map((s): PlanLine => {
    const c = s.creates;
    const parts = [
      c.instanceHours ? `1 ${ctx.instanceType ?? 'smallest'} instance (POSTPAID_BY_HOUR, 50 GB system disk)` : '',
      c.imageGb ? `1 custom image (~${c.imageGb} GB of snapshots)` : '',
      c.copyGb ? `1 copy in ${ctx.copyRegion ?? 'the copy region'} (~${c.copyGb} GB)` : '',
    ].filter(Boolean);
    const costCny =
      (c.instanceHours ? prices.instanceHour * hours : 0) +
      ((c.imageGb ?? 0) + (c.copyGb ?? 0)) * prices.snapshotGbHour * hours;
    return {
      scenario: s.id,
      relies: s.relies,
      creates: parts.join('; ') || 'nothing',
      costCny: Math.round(costCny * 100) / 100,
      skipped: s.skipIf?.(ctx as ContractContext),
    };
  });
  return { lines, hours, ceilingCny: lines.reduce((sum, l) => sum + (l.skipped ? 0 : l.costCny), 0) };
}

export function formatPlan(plan: Plan, maxCostCny: number): string {
  const rows = plan.lines.map(
    (l) =>
      `  ${l.scenario.padEnd(20)} ${l.skipped ? `SKIP (${l.skipped})` : `≤ ${l.costCny.toFixed(2)} CNY  ${l.creates}`}`,
  );
  return [
    `Plan (every resource tagged ${'cvm-image-contract-run'}=<run id>, removed by tag at the start and the end):`,
    ...rows,
    `Cost ceiling: ${plan.ceilingCny.toFixed(2)} CNY (everything billed for at most ${plan.hours} h; assumed prices,` +
      ` see CVM_IMAGE_CONTRACT_PRICES); refused above --max-cost ${maxCostCny.toFixed(2)} CNY`,
  ].join('\n');
}
