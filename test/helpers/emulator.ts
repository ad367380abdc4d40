/**
 * Test helpers for the local Tencent Cloud emulator: start one on a free port with fast durations,
 * a tiny typed admin client, and real SDK clients bound to it.
 */
import { createTencentClients, type TencentClients } from '../../src/cloud/clients';
import {
  DEFAULT_CREDENTIALS,
  startEmulator,
  type Durations,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../src/emulator';
import type { FixtureInstance } from '../../src/emulator/cvm/fixtures';
import type { stateView } from '../../src/emulator/admin/state-view';
import type { FaultRule } from '../../src/emulator/core/faults';
import type { RequestStats } from '../../src/emulator/core/request-log';
import type { SettledEvent } from '../../src/emulator/state/types';

/** Every long operation in the 50–300 ms range, so a whole pipeline runs in seconds. */
export const FAST_DURATIONS: Durations = {
  imageCreateMs: 300,
  snapshotCreateMs: 200,
  instanceLaunchMs: 150,
  instanceStopMs: 100,
  instanceStartMs: 100,
  instanceTerminateMs: 100,
  diskCreateMs: 100,
  diskAttachMs: 50,
  imageSyncMs: 200,
};

export type EmulatorStateView = ReturnType<typeof stateView>;
export type RequestsView = RequestStats & { settled: SettledEvent[]; nextChangeAt: number | null };
export interface FaultsBody {
  seed?: number;
  rules: (Partial<FaultRule> & { action: string })[];
}

export class EmulatorAdmin {
  /** `token`: the emulator's admin token (its `adminToken`, or the CVM_IMAGE_EMULATOR_TOKEN it was started with). */
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/_emulator/${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`${method} /_emulator/${path} → ${res.status}: ${json.error ?? JSON.stringify(json)}`);
    return json;
  }

  /** Creates a fixture instance and returns its id. */
  async createInstance(body: FixtureInstance = {}): Promise<string> {
    return (await this.call<{ instanceId: string }>('POST', 'instances', body)).instanceId;
  }
  state = () => this.call<EmulatorStateView>('GET', 'state');
  reset = () => this.call<{ ok: true }>('POST', 'reset', {});
  config = (body: Record<string, unknown>) => this.call<Record<string, unknown>>('POST', 'config', body);
  faults = (body: FaultsBody) => this.call<unknown>('POST', 'faults', body);
  clearFaults = () => this.call<unknown>('DELETE', 'faults');
  /** The rules in force and how many times a fault has fired since they were set. */
  listFaults = () => this.call<{ rules: FaultRule[]; fired: number }>('GET', 'faults');
  requests = () => this.call<RequestsView>('GET', 'requests');
  /** Moves the emulator's clock forward (instead of sleeping until its wall clock gets there). */
  advanceClock = (advanceMs: number) => this.call<{ now: number; offsetMs: number }>('POST', 'clock', { advanceMs });
}

export interface TestEmulator extends RunningEmulator {
  admin: EmulatorAdmin;
  /** Real tencentcloud-sdk-nodejs clients pointed at the emulator. */
  clients: TencentClients;
  credential: { secretId: string; secretKey: string };
}

export async function startTestEmulator(opts: EmulatorOptions = {}): Promise<TestEmulator> {
  const credential = opts.credentials?.[0] ?? DEFAULT_CREDENTIALS;
  const emu = await startEmulator({
    quiet: true,
    credentials: [credential],
    ...opts,
    durations: { ...FAST_DURATIONS, ...opts.durations },
  });
  return {
    ...emu,
    admin: new EmulatorAdmin(emu.url, emu.adminToken),
    clients: createTencentClients({ endpoint: emu.url, credential }),
    credential,
  };
}

/** Polls until `check` returns a value (not undefined/false) or the deadline passes. The default interval keeps
 * one poller under the strictest per-action rate limit (10/s is not polled; Describe* allow 20–40/s). */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 20_000, intervalMs = 60, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The Tencent error code a call fails with; throws if it succeeds. */
export async function errorCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (e) {
    const err = e as { code?: string; httpCode?: number; message?: string };
    return err.code ?? (err.httpCode ? `HTTP ${err.httpCode}` : `no code: ${err.message}`);
  }
  throw new Error('expected the call to fail, but it succeeded');
}
