/**
 * The control surface under `/_emulator/` (JSON in and out): state, reset, fixture instances, config,
 * faults, request statistics. Used by tests, benchmarks and the demo; never by the pipeline runtime.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AccessPolicy } from '../core/access';
import type { Clock } from '../core/clock';
import type { World } from '../core/context';
import { faultsBodySchema, type Faults } from '../core/faults';
import type { RateLimiter } from '../core/rate-limit';
import type { RequestLog } from '../core/request-log';
import { sendJson } from '../core/server';
import { createFixtureInstance } from '../cvm/fixtures';
import { applyConfig, currentConfig } from './config';
import { stateView } from './state-view';

export interface AdminDeps {
  world: World;
  clock: Clock;
  faults: Faults;
  limiter: RateLimiter;
  log: RequestLog;
  credentials: Map<string, string>;
  access: AccessPolicy;
  onReset: () => void;
}

function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AdminError(400, 'request body is not valid JSON');
  }
}

// Within TC3's five-minute signature window, so clients' signed requests stay valid after an advance.
const clockBodySchema = z.strictObject({ advanceMs: z.number().int().min(0).max(60_000) });

class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createAdmin(deps: AdminDeps) {
  const { world } = deps;
  const routes: Record<string, (body: unknown) => unknown> = {
    'GET state': () => stateView(world),
    'POST reset': () => {
      deps.onReset();
      return { ok: true };
    },
    'POST instances': (body) => {
      const rec = createFixtureInstance(world, body);
      world.store.save();
      return { instanceId: rec.id };
    },
    'GET config': () => currentConfig(deps),
    'POST config': (body) => {
      applyConfig(deps, body);
      world.store.save();
      return currentConfig(deps);
    },
    'GET faults': () => deps.faults.list(),
    'POST faults': (body) => {
      deps.faults.set(faultsBodySchema.parse(body));
      return deps.faults.list();
    },
    'DELETE faults': () => {
      deps.faults.clear();
      return { ok: true };
    },
    'GET requests': () => ({
      ...deps.log.stats(),
      settled: world.store.state.settled,
      nextChangeAt: world.store.nextChangeAt() ?? null,
    }),
    'GET health': () => ({ ok: true }),
    // Tests move the clock forward instead of sleeping; it never goes back. Due transitions settle at once.
    'POST clock': (body) => {
      const { advanceMs } = clockBodySchema.parse(body);
      deps.clock.advance(advanceMs);
      world.store.settle();
      return { now: world.now(), offsetMs: deps.clock.offset };
    },
  };

  return async (req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://emulator').pathname.replace(/^\/_emulator\//, '').replace(/\/$/, '');
    const route = routes[`${req.method} ${path}`];
    // Everything but `GET health` (which says only "ok") wants the process's token: docs/security.md.
    if (!(req.method === 'GET' && path === 'health') && !deps.access.adminAuthorized(req)) {
      return sendJson(
        res,
        401,
        { error: 'the admin API wants "Authorization: Bearer <token>" (CVM_IMAGE_EMULATOR_TOKEN)' },
        { 'WWW-Authenticate': 'Bearer realm="cvm-image emulator"' },
      );
    }
    try {
      if (!route) throw new AdminError(404, `no admin route ${req.method} /_emulator/${path}`);
      world.store.settle();
      sendJson(res, 200, await route(parseJson(body)));
    } catch (err) {
      if (err instanceof z.ZodError) {
        return sendJson(res, 400, { error: z.prettifyError(err), issues: err.issues });
      }
      const status = err instanceof AdminError ? err.status : 400;
      sendJson(res, status, { error: (err as Error).message });
    }
  };
}
