/** `POST /_emulator/config`: durations, image quotas per region, credentials, rate limits on/off. */
import { z } from 'zod';
import { DEFAULT_DURATIONS, resolveDurations, type Durations } from '../core/durations';
import { REGIONS } from '../core/regions';
import type { AdminDeps } from './api';

const durationKeys = Object.keys(DEFAULT_DURATIONS) as [keyof Durations, ...(keyof Durations)[]];

export const configSchema = z
  .object({
    speed: z.number().positive().optional(),
    durations: z.partialRecord(z.enum(durationKeys), z.number().int().min(0)).optional(),
    imageQuota: z
      .union([
        z.number().int().min(0),
        z.partialRecord(z.enum(REGIONS as [string, ...string[]]), z.number().int().min(0)),
      ])
      .optional(),
    credentials: z
      .array(z.object({ secretId: z.string().min(1), secretKey: z.string().min(1) }))
      .min(1)
      .optional(),
    rateLimits: z.boolean().optional(),
    onlineImaging: z.enum(['public-since-2018-07', 'never', 'always']).optional(),
    // Eventually consistent Describe* (core/consistency.ts); 0 = off.
    visibilityLagMs: z.number().int().min(0).optional(),
    deletionLagMs: z.number().int().min(0).optional(),
  })
  .strict();

export function applyConfig(deps: AdminDeps, input: unknown): void {
  const body = configSchema.parse(input);
  const { world } = deps;
  if (body.speed !== undefined || body.durations) {
    // A new speed rescales the defaults; explicit durations win over it.
    const base = body.speed !== undefined ? resolveDurations(body.speed) : world.durations;
    Object.assign(world.durations, base, body.durations ?? {});
  }
  if (typeof body.imageQuota === 'number') world.store.state.config.defaultImageQuota = body.imageQuota;
  else if (body.imageQuota) Object.assign(world.store.state.config.imageQuota, body.imageQuota);
  if (body.credentials) {
    deps.credentials.clear();
    for (const c of body.credentials) deps.credentials.set(c.secretId, c.secretKey);
  }
  if (body.onlineImaging) world.store.state.config.onlineImaging = body.onlineImaging;
  if (body.visibilityLagMs !== undefined) world.store.state.config.visibilityLagMs = body.visibilityLagMs;
  if (body.deletionLagMs !== undefined) world.store.state.config.deletionLagMs = body.deletionLagMs;
  if (body.rateLimits !== undefined) {
    deps.limiter.enabled = body.rateLimits;
    deps.limiter.reset();
  }
}

export function currentConfig(deps: AdminDeps) {
  return {
    durations: { ...deps.world.durations },
    imageQuota: {
      default: deps.world.store.state.config.defaultImageQuota,
      ...deps.world.store.state.config.imageQuota,
    },
    /** How many credentials are accepted: never which (a SecretId is half a credential). */
    credentials: deps.credentials.size,
    rateLimits: deps.limiter.enabled,
    onlineImaging: deps.world.store.state.config.onlineImaging ?? 'public-since-2018-07',
    visibilityLagMs: deps.world.store.state.config.visibilityLagMs ?? 0,
    deletionLagMs: deps.world.store.state.config.deletionLagMs ?? 0,
  };
}
