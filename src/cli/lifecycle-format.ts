/** Plain-text renderings of schedules and the snapshot cost estimate. */
import type { ImageSchedule } from '../client/schedules';
import type { ImageInventoryResult } from '../contract';

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const when = (d: Date | undefined) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '—');

export function formatSchedules(schedules: ImageSchedule[]): string {
  if (!schedules.length) return 'No rotation or refresh schedules.';
  const rows = [
    ['SCHEDULE ID', 'KIND', 'TIMING', 'NEXT RUN', 'LAST RUN', 'STATE'],
    ...schedules.map((s) => [
      s.scheduleId,
      s.kind,
      s.timing,
      when(s.nextRunTimes[0]),
      when(s.recentRuns[s.recentRuns.length - 1]?.scheduledAt),
      s.paused ? 'paused' : 'active',
    ]),
  ];
  const lines = [table(rows), ''];
  for (const s of schedules) lines.push(`${s.scheduleId}: ${s.summary}`);
  return lines.join('\n');
}

const money = (n: number) => n.toFixed(2);

export function formatInventory(inv: ImageInventoryResult): string {
  const lines = [
    `Snapshot cost ESTIMATE for ${inv.region} at ${inv.pricePerGbMonth} ${inv.currency} per GB and month (not a bill)`,
    '',
  ];
  if (!inv.images.length) lines.push('No images made by cvm-image-pipeline in this region.');
  else {
    const rows = [
      ['IMAGE', 'NAME', 'FAMILY', 'STATE', 'SNAPSHOTS', 'GB', `EST. ${inv.currency}/MONTH`],
      ...inv.images.map((i) => [
        i.imageId,
        i.imageName,
        i.imageFamily ?? '—',
        i.shared ? `${i.state} (shared)` : i.state,
        String(i.snapshots.length),
        String(i.snapshotGb),
        money(i.estimatedMonthlyCost),
      ]),
      [
        'TOTAL',
        `${inv.images.length} image(s)`,
        '',
        '',
        '',
        String(inv.totalSnapshotGb),
        money(inv.estimatedMonthlyCost),
      ],
    ];
    lines.push(table(rows));
  }
  if (inv.otherImages) {
    lines.push(
      '',
      `${inv.otherImages} other custom image(s) in ${inv.region} were not made by cvm-image-pipeline (not counted).`,
    );
  }
  lines.push('', `Note: ${inv.note}.`);
  return lines.join('\n');
}
