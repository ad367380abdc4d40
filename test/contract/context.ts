/**
 * What every contract scenario gets: real SDK clients (pointed at the emulator or at Tencent), the run's tag,
 * a ledger of what it created, and small helpers to wait for a state and to expect a documented refusal.
 */
import type { TencentClients } from '../../src/cloud/clients';

export type Target = 'emulator' | 'live';

/** The tag key every resource the suite creates carries; its value is the run id. */
export const RUN_TAG_KEY = 'cvm-image-contract-run';
/** Names carry the run id too: SyncImages copies carry no tags (no document says tags travel with a copy). */
export const NAME_PREFIX = 'cvm-image-contract';

export interface ContractConfig {
  target: Target;
  runId: string;
  region: string;
  zone: string;
  copyRegion: string;
  instanceType: string;
  publicImageId: string;
  /** The account that owns the resources (needed for the "share to yourself" refusal); live: optional. */
  ownAccountId?: string;
  /** A second account to share to (sharing idempotency); live: optional, the scenario is skipped without it. */
  shareAccountId?: string;
  pollMs: number;
  /** Longest wait for one state (an image takes 10+ minutes on Tencent). */
  waitMs: number;
}

/** Ids this run created, written down before anything else is done with them (cleanup reads it too). */
export interface Ledger {
  instanceId?: string;
  imageId?: string;
  copyImageId?: string;
}

export interface ContractContext extends ContractConfig {
  clients: TencentClients;
  ledger: Ledger;
  runTag: { Key: string; Value: string };
  /** Timings observed (ms): reported, never compared. */
  timings: Record<string, number>;
}

/** A documented refusal: resolves with the code, fails when the call succeeded. */
export async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    throw err;
  }
  throw new Error('the call succeeded; a refusal was expected');
}

/** Polls `probe` until it returns a value; records how long it took under `timings[label]`. */
export async function waitFor<T>(ctx: ContractContext, label: string, probe: () => Promise<T | undefined>): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      ctx.timings[label] = Date.now() - start;
      return value;
    }
    if (Date.now() - start > ctx.waitMs) throw new Error(`${label}: not reached within ${ctx.waitMs} ms`);
    await new Promise((r) => setTimeout(r, ctx.pollMs));
  }
}

export function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}
