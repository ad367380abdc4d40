/**
 * Follows a pipeline until it ends: polls the `progress` query and draws a live bar (stage, overall
 * percent, elapsed time, what it waits for) on a terminal, or one line per change elsewhere (CI logs).
 */
import { CancelledFailure } from '@temporalio/common';
import { Presets, SingleBar } from 'cli-progress';
import type { PipelineClient } from '../client/pipeline-client';
import type { CreateCustomImageResult, PipelineProgress, StageName } from '../contract';
import { formatElapsed } from './format';

export type WatchOutcome = { ok: true; result: CreateCustomImageResult } | { ok: false; error: unknown };

export interface WatchOptions {
  stream?: NodeJS.WriteStream;
  intervalMs?: number;
}

interface View {
  update(p: PipelineProgress): void;
  finish(stage: StageName | 'detached'): void;
}

/**
 * The bar's value: the workflow's whole-pipeline estimate, never moving backwards (compensation keeps
 * the last value) and reaching 100 only when the run has completed.
 */
export function barPercent(p: Pick<PipelineProgress, 'stage' | 'percent'>, previous = 0): number {
  if (p.stage === 'completed') return 100;
  if (p.percent === undefined) return previous;
  return Math.max(previous, Math.min(Math.round(p.percent), 99));
}

/** The stage, with its own percent when Tencent reports one (snapshots). */
export function stageLabel(p: Pick<PipelineProgress, 'stage' | 'stagePercent'>): string {
  return p.stagePercent !== undefined ? `${p.stage} ${Math.round(p.stagePercent)}%` : p.stage;
}

/**
 * Tencent reports no percent for a custom image being created (DescribeImages' Image has only SyncPercent,
 * for copies; cvm_models.d.ts), and its guide says creation takes 10 minutes or more
 * (docs/tencent/creating-custom-images.en.md). So the bar shows the time waited against that.
 */
export const EXPECTED_IMAGE_MS = 10 * 60_000;
/** Where the bar's share of the image wait ends (the workflow puts `starting` at 60 %). */
const IMAGE_WAIT_END = 58;

/** During the image wait: the bar moves with the time waited (never past 95 % of the stage's share). */
export function imageWaitEstimate(
  p: Pick<PipelineProgress, 'stage' | 'percent' | 'stagePercent' | 'updatedAt'>,
  now = Date.now(),
): { percent: number; label: string } | undefined {
  const since = Date.parse(p.updatedAt);
  if (p.stage !== 'waiting-for-image' || p.stagePercent !== undefined || !since) return undefined;
  const waited = Math.max(0, now - since);
  const from = p.percent ?? 0;
  const percent = from + (IMAGE_WAIT_END - from) * Math.min(0.95, waited / EXPECTED_IMAGE_MS);
  return { percent, label: `${p.stage} ${formatElapsed(waited)} of ~${formatElapsed(EXPECTED_IMAGE_MS)}` };
}

function detail(p: PipelineProgress, workflowId: string): string {
  // The command itself, so it fits a 120-column line next to the bar.
  if (p.stage === 'awaiting-approval') return `cvm-image approve ${workflowId}`;
  return p.waitingFor ?? '';
}

class BarView implements View {
  private readonly bar: SingleBar;
  private value = 0;
  private last?: PipelineProgress;
  constructor(
    stream: NodeJS.WriteStream,
    private readonly workflowId: string,
    private readonly since: number,
  ) {
    this.bar = new SingleBar(
      {
        format: '{stage} |{bar}| {percentage}% | {elapsed} | {detail}',
        barsize: 20,
        hideCursor: true,
        stream,
        fps: 5,
      },
      Presets.shades_classic,
    );
    this.bar.start(100, 0, { stage: 'queued'.padEnd(24), elapsed: '0s', detail: 'waiting for a worker' });
  }
  private payload(p: PipelineProgress) {
    const started = Date.parse(p.startedAt) || this.since;
    return {
      stage: (imageWaitEstimate(p)?.label ?? stageLabel(p)).padEnd(24),
      elapsed: formatElapsed(Date.now() - started),
      detail: detail(p, this.workflowId),
    };
  }
  update(p: PipelineProgress): void {
    this.last = p;
    const estimate = imageWaitEstimate(p);
    this.value = barPercent(estimate ? { ...p, percent: estimate.percent } : p, this.value);
    this.bar.update(this.value, this.payload(p));
  }
  finish(stage: StageName | 'detached'): void {
    const base = this.last ?? {
      stage: 'validating',
      snapshotIds: [],
      launchedInstanceIds: [],
      startedAt: '',
      updatedAt: '',
    };
    if (stage === 'completed') this.value = 100;
    const payload = this.payload({
      ...base,
      stage: stage === 'detached' ? base.stage : stage,
      stagePercent: undefined,
    });
    this.bar.update(this.value, { ...payload, detail: stage === 'detached' ? 'detached' : '' });
    this.bar.stop();
  }
}

/** For pipes and log files: a timestamped line whenever the stage or what it waits for changes. */
class LineView implements View {
  private lastLine = '';
  private last?: PipelineProgress;
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly workflowId: string,
    private readonly since: number,
  ) {}
  update(p: PipelineProgress): void {
    this.last = p;
    const line = [stageLabel(p), detail(p, this.workflowId)].filter(Boolean).join(' — ');
    if (line === this.lastLine) return;
    this.lastLine = line;
    const started = Date.parse(p.startedAt) || this.since;
    this.stream.write(`[${formatElapsed(Date.now() - started)}] ${line}\n`);
  }
  finish(stage: StageName | 'detached'): void {
    if (stage === 'detached' || stage === this.last?.stage) return;
    this.stream.write(`[${formatElapsed(Date.now() - this.since)}] ${stage}\n`);
  }
}

function endStage(outcome: WatchOutcome): StageName {
  if (outcome.ok) return 'completed';
  for (let e: unknown = outcome.error; e instanceof Error; e = e.cause) {
    if (e instanceof CancelledFailure) return 'cancelled';
  }
  return 'failed';
}

/** Resolves when the pipeline ends (or `signal` aborts: then `undefined`, the pipeline keeps running). */
export async function watchPipeline(
  client: PipelineClient,
  workflowId: string,
  opts: WatchOptions & { signal?: AbortSignal } = {},
): Promise<WatchOutcome | undefined> {
  const stream = opts.stream ?? process.stdout;
  const intervalMs = opts.intervalMs ?? 500;
  const since = Date.now();
  const view: View = stream.isTTY ? new BarView(stream, workflowId, since) : new LineView(stream, workflowId, since);
  let outcome: WatchOutcome | undefined;
  // Detaching must also end the result long-poll, or it keeps the process alive until the server answers.
  const stopWaiting = new AbortController();
  opts.signal?.addEventListener('abort', () => stopWaiting.abort(), { once: true });
  const ended = client.result(workflowId, { signal: stopWaiting.signal }).then(
    (result): WatchOutcome => (outcome = { ok: true, result }),
    (error): WatchOutcome => (outcome = { ok: false, error }),
  );
  const aborted = new Promise<void>((resolve) => {
    if (opts.signal?.aborted) resolve();
    opts.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  let timer: NodeJS.Timeout | undefined;
  // One controller per query (the SDK leaves a listener on the signal it is given).
  let query: AbortController | undefined;
  while (!outcome && !opts.signal?.aborted) {
    // A query can wait for a busy or absent worker; the end of the run or an abort must not wait for it.
    const p = await Promise.race([
      client.progress(workflowId, { signal: (query = new AbortController()).signal }).catch(() => undefined),
      ended,
      aborted,
    ]);
    if (p && 'stage' in p && !outcome) view.update(p);
    if (outcome || opts.signal?.aborted) break;
    await Promise.race([new Promise((r) => (timer = setTimeout(r, intervalMs))), ended, aborted]);
    clearTimeout(timer);
  }
  stopWaiting.abort();
  query?.abort(); // a progress query still waiting for a worker must not keep the process alive
  // Detached: the aborted long-poll may already have "failed"; that is not the pipeline's outcome.
  if (!outcome || (opts.signal?.aborted && !outcome.ok)) {
    view.finish('detached');
    return undefined;
  }
  view.finish(endStage(outcome));
  return outcome;
}
