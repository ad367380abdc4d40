/** `ClientToken` idempotency: a replay with the same token answers what the first call answered. */
import { ApiError } from './errors';
import type { ActionContext } from './context';

export function replayed<T>(ctx: ActionContext, token: string | undefined): T | undefined {
  if (token === undefined) return undefined;
  if (token.length > 64)
    throw new ApiError('InvalidClientToken.TooLong', '`ClientToken` must be at most 64 characters.');
  return ctx.world.store.state.clientTokens[`${ctx.action}/${ctx.region}/${token}`] as T | undefined;
}

export function remember(ctx: ActionContext, token: string | undefined, answer: unknown): void {
  if (token !== undefined) ctx.world.store.state.clientTokens[`${ctx.action}/${ctx.region}/${token}`] = answer;
}
