/**
 * Every Tencent Cloud call an activity makes goes through here: it waits for the shared rate limiter,
 * sends through the SDK client for the region, and turns failures into classified `ApplicationFailure`s
 * that still carry the Tencent error code (so an activity can treat a code specially).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { CbsClient, CvmClient, TatClient, TencentClients } from '../cloud/clients';
import { classify } from './errors';
import type { RateLimiter } from './rate-limit';

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

  private async call<R>(action: string, send: () => Promise<R>, signal?: AbortSignal): Promise<R> {
    await this.limiter.acquire(action, signal);
    try {
      return await send();
    } catch (err) {
      throw classify(err, action);
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
