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
      stage: stageLabel(p).padEnd(24),
      elapsed: formatElapsed(Date.now() - started),
      detail: detail(p, this.workflowId),
    };
  }
  update(p: PipelineProgress): void {
    this.last = p;
    this.value = barPercent(p, this.value);
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
