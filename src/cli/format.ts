/** Plain-text renderings of results, progress and lists for the terminal. */
import type { PipelineSummary } from '../client/pipeline-client';
import type { CreateCustomImageResult, PipelineProgress } from '../contract';

/** 65 s → "1m05s"; 3725 s → "1h02m05s". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h) return `${h}h${pad(m)}m${pad(s)}s`;
  if (m) return `${m}m${pad(s)}s`;
  return `${s}s`;
}

const list = (ids: string[] | undefined) => (ids?.length ? ids.join(', ') : '—');

export function formatResult(workflowId: string, result: CreateCustomImageResult): string {
  const first = result.stages[0]?.start;
  const last = result.stages[result.stages.length - 1];
  const took = first && last ? ` in ${formatElapsed(Date.parse(last.end ?? last.start) - Date.parse(first))}` : '';
  const headline = result.dryRun
    ? `✔ Dry run of ${workflowId} passed${took}: nothing was changed`
    : `✔ Image ${result.imageId ?? '?'} is ready (${workflowId})${took}`;
  const lines = [
    headline,
    `  data-disk snapshots  ${list(result.snapshotIds)}`,
    `  launched instances   ${list(result.launchedInstanceIds)}`,
    `  instance stopped     ${result.shutdownPerformed ? 'yes (and started again)' : 'no'}`,
  ];
  if (result.stages.length) {
    const stages = result.stages.map((s) =>
      s.end ? `${s.name} ${formatElapsed(Date.parse(s.end) - Date.parse(s.start))}` : s.name,
    );
    lines.push(`  stages               ${stages.join(' → ')}`);
  }
  for (const w of result.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

export function formatStatus(summary: PipelineSummary, progress?: PipelineProgress, now = Date.now()): string {
  const started = progress?.startedAt ? Date.parse(progress.startedAt) : summary.startTime.getTime();
  const end = summary.closeTime?.getTime() ?? now;
  const stage = progress?.stage ?? summary.stage ?? '?';
  const stagePercent = progress?.stagePercent !== undefined ? ` (${Math.round(progress.stagePercent)}%)` : '';
  const rows: [string, string][] = [
    ['Pipeline', summary.workflowId],
    ['Status', summary.status],
    ['Stage', `${stage}${stagePercent}`],
  ];
  if (progress?.percent !== undefined) rows.push(['Progress', `${Math.round(progress.percent)}% of the pipeline`]);
  if (progress?.waitingFor) rows.push(['Waiting for', progress.waitingFor]);
  rows.push(['Region', summary.region ?? '—'], ['Instance', summary.instanceId ?? '—']);
  const failedStage = progress?.failedStage ?? summary.failedStage;
  const undone = progress?.undone ?? summary.undone;
  if (failedStage) rows.push([stage === 'cancelled' ? 'Cancelled in' : 'Failed in', failedStage]);
  if (failedStage || undone) rows.push(['Undone', undone?.length ? undone.join('\n' + ' '.repeat(13)) : 'nothing']);
  // A closed run's image is the search attribute, cleared when compensation deleted the image.
  rows.push(['Image', (summary.closeTime ? summary.imageId : (progress?.imageId ?? summary.imageId)) ?? '—']);
  if (progress) {
    rows.push(['Snapshots', list(progress.snapshotIds)], ['Launched', list(progress.launchedInstanceIds)]);
  }
  rows.push(['Started', `${new Date(started).toISOString()} (${formatElapsed(end - started)} elapsed)`]);
  if (stage === 'awaiting-approval') {
    rows.push(['Next', `cvm-image approve ${summary.workflowId}  (or: cvm-image reject ${summary.workflowId})`]);
  }
  return rows.map(([k, v]) => `${k.padEnd(12)} ${v}`).join('\n');
}

export function formatList(rows: PipelineSummary[]): string {
  if (!rows.length) return 'No pipelines match.';
  const table = [
    ['WORKFLOW ID', 'STATUS', 'STAGE', 'IMAGE', 'STARTED', 'UNDONE'],
    ...rows.map((r) => [
      r.workflowId,
      r.status,
      r.failedStage ? `${r.stage ?? '?'} (in ${r.failedStage})` : (r.stage ?? '—'),
      r.imageId ?? '—',
      r.startTime.toISOString(),
      r.undone?.join('; ') ?? '',
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
