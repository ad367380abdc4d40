/**
 * The README chart as a dependency-free SVG: worker RSS and pipelines in flight over time (one line per
 * poller mode), and per mode the Describe* calls per pipeline and the detection latency p50/p99.
 */
import type { BenchRun } from './report';

const W = 960;
const H = 420;
const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;
}

/** Left panel: RSS (MB, solid) and in-flight pipelines (dashed, right axis) against seconds. */
function memoryPanel(runs: BenchRun[], x0: number, y0: number, w: number, h: number): string[] {
  const all = runs.flatMap((r) => r.rssSamples);
  const maxT = Math.max(1, ...all.map((s) => s.t)) / 1000;
  const maxMb = Math.max(1, ...all.map((s) => s.rssBytes)) / 2 ** 20;
  const maxN = Math.max(1, ...runs.map((r) => r.pipelines));
  const px = (t: number) => x0 + (t / 1000 / maxT) * w;
  const py = (v: number, max: number) => y0 + h - (v / max) * h;
  const out = [
    `<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#ccc"/>`,
    text(x0, y0 - 8, 'Worker RSS (solid, MB), after forced GC (dots), in flight (dashed)', 'font-weight="bold"'),
    text(x0 - 6, y0 + 10, maxMb.toFixed(0), 'text-anchor="end"'),
    text(x0 - 6, y0 + h, '0', 'text-anchor="end"'),
    text(x0 + w + 6, y0 + 10, String(maxN)),
    text(x0 + w, y0 + h + 16, `${maxT.toFixed(0)} s`, 'text-anchor="end"'),
  ];
  runs.forEach((r, i) => {
    const c = COLORS[i % COLORS.length];
    const rss = r.rssSamples.map((s) => `${px(s.t).toFixed(1)},${py(s.rssBytes / 2 ** 20, maxMb).toFixed(1)}`);
    const fl = r.rssSamples.map((s) => `${px(s.t).toFixed(1)},${py(s.inFlight, maxN).toFixed(1)}`);
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${rss.join(' ')}"/>`);
    out.push(`<polyline fill="none" stroke="${c}" stroke-dasharray="4 3" points="${fl.join(' ')}"/>`);
    for (const l of r.liveMemory?.samples.filter((x) => x.t >= 0) ?? [])
      out.push(
        `<circle cx="${px(l.t).toFixed(1)}" cy="${py(l.rssBytes / 2 ** 20, maxMb).toFixed(1)}" r="2.5" fill="${c}"/>`,
      );
  });
  return out;
}

/** Right panels: bars per mode. */
function barPanel(
  title: string,
  rows: { label: string; values: number[] }[],
  runs: BenchRun[],
  x0: number,
  y0: number,
  w: number,
  h: number,
  unit: string,
): string[] {
  const max = Math.max(1e-9, ...rows.flatMap((r) => r.values.filter(Number.isFinite)));
  const rowH = h / Math.max(1, rows.length);
  const barH = Math.min(14, (rowH - 6) / runs.length);
  const out = [text(x0, y0 - 8, title, 'font-weight="bold"')];
  rows.forEach((row, j) => {
    const y = y0 + j * rowH;
    out.push(text(x0, y + barH, row.label));
    row.values.forEach((v, i) => {
      const bw = Number.isFinite(v) ? (v / max) * (w - 210) : 0;
      const by = y + i * barH;
      out.push(
        `<rect x="${x0 + 140}" y="${by}" width="${bw.toFixed(1)}" height="${barH - 2}" fill="${COLORS[i % COLORS.length]}"/>`,
      );
      out.push(text(x0 + 144 + bw, by + barH - 3, `${Number.isFinite(v) ? +v.toFixed(2) : '–'} ${unit}`));
    });
  });
  return out;
}

export function renderChart(runs: BenchRun[], title: string): string {
  const describeActions = [...new Set(runs.flatMap((r) => Object.keys(r.callsPerPipeline)))]
    .filter((a) => a.startsWith('Describe'))
    .sort();
  const calls = describeActions.map((a) => ({
    label: a.replace('Describe', '').replace('AutomationAgentStatus', 'AgentStatus'),
    values: runs.map((r) => r.callsPerPipeline[a] ?? 0),
  }));
  const latency = [
    { label: 'p50', values: runs.map((r) => r.detectionLatencyMs.p50) },
    { label: 'p99', values: runs.map((r) => r.detectionLatencyMs.p99) },
  ];
  const legend = runs.map(
    (r, i) =>
      `<rect x="${40 + i * 300}" y="${H - 22}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>` +
      text(
        58 + i * 300,
        H - 12,
        `${r.poller}: ${r.completed}/${r.pipelines} done, ${r.wallSeconds} s, makespan ÷ bound ${r.makespanRatio ?? '–'}`,
      ),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    text(W / 2, 20, title, 'text-anchor="middle" font-size="14" font-weight="bold"'),
    ...memoryPanel(runs, 50, 60, 420, 300),
    ...barPanel('Describe* calls per pipeline', calls, runs, 530, 60, 420, 170, ''),
    ...barPanel('Detection latency (ms)', latency, runs, 530, 280, 420, 80, 'ms'),
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
