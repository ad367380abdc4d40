/**
 * The parity report: for each scenario, its outcome and facts on each target, and every fact where the
 * emulator and Tencent answered differently. One JSON file holds both targets: a run updates its own.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Target } from './context';
import type { Facts } from './scenarios';

export interface ScenarioResult {
  scenario: string;
  outcome: 'passed' | 'failed' | 'skipped';
  facts: Facts;
  timingsMs: Record<string, number>;
  error?: string;
}

export interface TargetRun {
  runId: string;
  at: string;
  results: ScenarioResult[];
}

export interface Difference {
  scenario: string;
  what: string;
  emulator: unknown;
  live: unknown;
}

export interface ParityReport {
  emulator?: TargetRun;
  live?: TargetRun;
  differences: Difference[];
}

export function differences(emulator?: TargetRun, live?: TargetRun): Difference[] {
  if (!emulator || !live) return [];
  const out: Difference[] = [];
  for (const e of emulator.results) {
    const l = live.results.find((r) => r.scenario === e.scenario);
    if (!l || l.outcome === 'skipped' || e.outcome === 'skipped') continue;
    if (e.outcome !== l.outcome)
      out.push({ scenario: e.scenario, what: 'outcome', emulator: e.outcome, live: l.outcome });
    for (const key of new Set([...Object.keys(e.facts), ...Object.keys(l.facts)])) {
      if (e.facts[key] !== l.facts[key])
        out.push({ scenario: e.scenario, what: key, emulator: e.facts[key], live: l.facts[key] });
    }
  }
  return out;
}

/** Reads the report at `file` (if any), replaces `target`'s run, recomputes the differences, writes it. */
export function writeReport(file: string, target: Target, run: TargetRun): ParityReport {
  const old: ParityReport = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as ParityReport)
    : { differences: [] };
  const report: ParityReport = { ...old, [target]: run };
  report.differences = differences(report.emulator, report.live);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
