/**
 * Every Tencent Cloud call an activity makes goes through here: it waits for the shared rate limiter,
 * sends through the SDK client for the region, and turns failures into classified `ApplicationFailure`s
 * that still carry the Tencent error code (so an activity can treat a code specially).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { CbsClient, CvmClient, TatClient, TencentClients } from '../cloud/clients';
import { classify } from './errors';
import type { RateLimiter } from './rate-limit';

const READ_TRIES = 3;
const READ_BACKOFF_MS = 200;

export class TencentApi {
  constructor(
    private readonly clients: TencentClients,
    private readonly limiter: RateLimiter,
  ) {}

  cvm<R>(region: string, action: string, send: (c: CvmClient) => Promise<R>, signal?: AbortSignal): Promise<R> {
    return this.call(action, () => send(this.clients.cvm(region)), signal);
  }

  cbs<R>(region: string, action: string, send: (c: CbsClient) => Promise<R>, signal?: AbortSignal): Promise<R> {
    return this.call(action, () => send(this.clients.cbs(region)), signal);
  }

  tat<R>(region: string, action: string, send: (c: TatClient) => Promise<R>, signal?: AbortSignal): Promise<R> {
    return this.call(action, () => send(this.clients.tat(region)), signal);
  }

  /**
   * Read-only calls (Describe*) are retried here a couple of times on transient errors: cheaper than failing
   * the whole activity attempt, and safe because they change nothing. Mutations are retried by Temporal,
   * after the activity has looked for what an earlier attempt may have done.
   */
  private async call<R>(action: string, send: () => Promise<R>, signal?: AbortSignal): Promise<R> {
    const tries = action.startsWith('Describe') ? READ_TRIES : 1;
    for (let attempt = 1; ; attempt++) {
      await this.limiter.acquire(action, signal);
      try {
        return await send();
      } catch (err) {
        const failure = classify(err, action);
        if (failure.nonRetryable || attempt >= tries || signal?.aborted) throw failure;
        await new Promise((r) => setTimeout(r, READ_BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
  }
}

/** The Tencent error code behind a classified failure (or a raw SDK error), if any. */
export function codeOf(err: unknown): string | undefined {
  if (err instanceof ApplicationFailure) {
    const d = err.details?.[0] as { code?: unknown } | undefined;
    return typeof d?.code === 'string' ? d.code : undefined;
  }
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
