/**
 * The HTTP front: `/_emulator/*` goes to the admin API; everything else is a Tencent Cloud API 3.0 call:
 * TC3 check → route → rate limit → faults → handler → `{"Response": {…, "RequestId"}}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccessPolicy } from './access';
import type { ActionContext, World } from './context';
import { ApiError, errorBody } from './errors';
import type { Faults } from './faults';
import { newRequestId } from './ids';
import { documentedOnly, shapeResponse, validateRequest } from './model';
import { parseParams } from './params';
import type { RateLimiter } from './rate-limit';
import { checkRegion } from './regions';
import type { RequestLog } from './request-log';
import type { Router } from './router';
import { verifyTc3 } from './tc3';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface FrontDeps {
  world: World;
  router: Router;
  credentials: Map<string, string>;
  limiter: RateLimiter;
  faults: Faults;
  log: RequestLog;
  admin: (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void>;
  /** Host / Origin checks, before anything else (core/access.ts). */
  access: AccessPolicy;
  quiet: boolean;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError('RequestSizeLimitExceeded', 'The request body exceeds 10 MB.'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The late half of a commit-after-timeout fault: applied against the state as it is by then, answer dropped. */
async function applyLate(deps: FrontDeps, apply: () => unknown, action: string, o: { lateMs: number }) {
  await sleep(o.lateMs);
  try {
    deps.world.store.settle(deps.world.now());
    await apply();
    deps.world.store.save();
  } catch (err) {
    // As the real cloud would: the late call is refused by the state it finds; nobody hears about it.
    if (!deps.quiet && !(err instanceof ApiError)) console.error(`[emulator] late ${action} failed:`, err);
  }
}

export function createFront(deps: FrontDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = newRequestId();
    const trace = header(req, 'x-tc-traceid');
    const traceHeaders: Record<string, string> = trace ? { 'X-TC-TraceId': trace } : {};
    let action = header(req, 'x-tc-action') ?? '';
    const refused = deps.access.refusal(req);
    if (refused) return sendJson(res, 403, { error: refused });
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://emulator');
      if (url.pathname.startsWith('/_emulator/')) return await deps.admin(req, body, res);
      const now = deps.world.now();
      deps.world.store.settle(now);
      // Tencent also accepts the common parameters in the query string (GET form).
      action ||= url.searchParams.get('Action') ?? '';
      const version = header(req, 'x-tc-version') ?? url.searchParams.get('Version') ?? undefined;
      const regionRaw = header(req, 'x-tc-region') ?? url.searchParams.get('Region') ?? undefined;
      deps.log.record(action || '(none)', regionRaw ?? '(none)', now);
      verifyTc3(
        {
          method: req.method ?? 'POST',
          path: url.pathname,
          query: (req.url ?? '').split('?')[1] ?? '',
          headers: req.headers,
          body,
        },
        (id) => deps.credentials.get(id),
        Math.floor(now / 1000),
      );
      const def = deps.router.resolve(version, action);
      const region = checkRegion(regionRaw);
      if (!deps.limiter.take(action, region, def.rateLimit, now)) {
        deps.log.recordThrottled(action);
        throw new ApiError(
          'RequestLimitExceeded',
          `${action} is limited to ${def.rateLimit} requests per second in ${region}.`,
        );
      }
      const fired = deps.faults.draw(action, region);
      if (fired.latencyMs) await sleep(fired.latencyMs);
      if (fired.error) {
        return sendJson(
          res,
          fired.error.httpStatus,
          errorBody(requestId, fired.error.code, fired.error.message),
          traceHeaders,
        );
      }
      if (fired.bareStatus) {
        res.writeHead(fired.bareStatus, { 'Content-Type': 'text/plain', ...traceHeaders });
        return void res.end(`Injected HTTP ${fired.bareStatus}`);
      }
      const params = parseParams(req.method ?? 'POST', header(req, 'content-type') ?? '', url.search.slice(1), body);
      validateRequest(def.version, action, params);
      const ctx: ActionContext = {
        world: deps.world,
        action,
        region,
        requestId,
        now: deps.world.now(),
        resultState: fired.resultState,
      };
      if (fired.commitAfterTimeout) {
        req.socket.destroy(); // the client hears nothing, as when its timeout ends the call
        return void applyLate(deps, () => def.handler(params, { ...ctx, now: deps.world.now() }), action, {
          lateMs: fired.commitAfterTimeout.lateMs,
        });
      }
      deps.world.store.settle(ctx.now);
      const result = await documentedOnly(action, () => def.handler(params, ctx));
      deps.world.store.save();
      if (fired.commitThenDrop) {
        if (fired.commitThenDrop.dropConnection) return void req.socket.destroy();
        const status = fired.commitThenDrop.httpStatus ?? 502;
        res.writeHead(status, { 'Content-Type': 'text/plain', ...traceHeaders });
        return void res.end(`Injected HTTP ${status} after the action was applied`);
      }
      const shaped = shapeResponse(def.version, action, result);
      sendJson(res, 200, { Response: { ...shaped, RequestId: requestId } }, traceHeaders);
    } catch (err) {
      if (err instanceof ApiError) {
        if (!deps.quiet && err.code.startsWith('AuthFailure'))
          console.error(`[emulator] ${action}: ${err.code}: ${err.message}`);
        return sendJson(res, err.httpStatus, errorBody(requestId, err.code, err.message), traceHeaders);
      }
      if (!deps.quiet) console.error(`[emulator] ${action} failed:`, err);
      sendJson(
        res,
        200,
        errorBody(requestId, 'InternalError', `Emulator error: ${(err as Error).message}`),
        traceHeaders,
      );
    }
  };
}
