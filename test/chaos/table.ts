/** One row per chaos scenario, printed as a Markdown table (pasteable into docs and notes). */
export interface ScenarioRow {
  scenario: string;
  /** What was broken, e.g. "10 worker kills". */
  faults: string;
  pipelines: number;
  completed: number;
  /** Ended failed or cancelled, with nothing left behind. */
  failedClean: number;
  duplicates: number;
  orphans: number;
  notRestored: number;
  /** Reported resources missing, or runs that never ended. */
  missing: number;
  seconds: number;
  /** Time relative to the fault-free run of the same fleet. */
  ratio?: number;
}

const HEADER = [
  'scenario',
  'faults',
  'pipelines',
  'completed',
  'failed clean',
  'duplicates',
  'orphans',
  'instances not restored',
  'missing/unfinished',
  'time (s)',
  'vs fault-free',
];

export function formatTable(rows: ScenarioRow[]): string {
  const cells = rows.map((r) => [
    r.scenario,
    r.faults,
    String(r.pipelines),
    String(r.completed),
    String(r.failedClean),
    String(r.duplicates),
    String(r.orphans),
    String(r.notRestored),
    String(r.missing),
    r.seconds.toFixed(1),
    r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`,
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  return [line(HEADER), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

/** Whether a row meets the targets; the reasons when it does not. */
/** `expectCompleted`: true = every run completes, false = every run fails cleanly, undefined = either. */
export function rowProblems(r: ScenarioRow, opts: { expectCompleted?: boolean; maxRatio?: number }): string[] {
  const out: string[] = [];
  if (opts.expectCompleted && r.completed !== r.pipelines) out.push(`${r.pipelines - r.completed} not completed`);
  if (opts.expectCompleted === undefined && r.completed + r.failedClean !== r.pipelines)
    out.push(`${r.pipelines - r.completed - r.failedClean} neither completed nor cleanly failed`);
  if (opts.expectCompleted === false && r.failedClean !== r.pipelines)
    out.push(`${r.pipelines - r.failedClean} not cleanly failed`);
  if (r.duplicates) out.push(`${r.duplicates} duplicates`);
  if (r.orphans) out.push(`${r.orphans} orphans`);
  if (r.notRestored) out.push(`${r.notRestored} instances not restored`);
  if (r.missing) out.push(`${r.missing} missing/unfinished`);
  if (opts.maxRatio !== undefined && r.ratio !== undefined && r.ratio > opts.maxRatio)
    out.push(`${r.ratio.toFixed(2)}× the fault-free time (target ≤ ${opts.maxRatio}×)`);
  return out;
}
