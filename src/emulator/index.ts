/**
 * A local Tencent Cloud (CVM, CBS, TAT) that the real tencentcloud-sdk-nodejs talks to over HTTP.
 * Tests, benchmarks and the demo start it; the pipeline runtime never imports it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdmin } from './admin/api';
import { AccessPolicy, ADMIN_TOKEN_ENV, isLoopback, resolveAdminToken } from './core/access';
import type { World } from './core/context';
import { resolveDurations, type Durations } from './core/durations';
import { Clock } from './core/clock';
import { Faults } from './core/faults';
import { RateLimiter } from './core/rate-limit';
import { RequestLog } from './core/request-log';
import { Router } from './core/router';
import { createFront } from './core/server';
import { imageActions } from './cvm/images';
import { instanceActions } from './cvm/instances';
import { registerLifecycleHooks } from './cvm/lifecycle';
import { GuestFiles } from './guest/files';
import { Store } from './state/store';
import { seedDemo } from './seed';
import { snapshotActions } from './cbs/snapshots';
import { diskActions } from './cbs/disks';
import { imageSharingActions } from './cvm/image-sharing';
import { runInstancesAction } from './cvm/run-instances';
import { tatActions } from './tat/commands';
import { loseInterruptedTasks } from './tat/lost-tasks';
import { CommandRunner } from './tat/runner';

export type { Durations } from './core/durations';
export { ADMIN_TOKEN_ENV } from './core/access';

export interface EmulatorOptions {
  /** 0 / omitted = a free port. */
  port?: number;
  /** Default 127.0.0.1: TAT emulation runs scripts on this machine, so never listen wider by accident. */
  host?: string;
  /** The admin API's token; default: env CVM_IMAGE_EMULATOR_TOKEN, else a random one (docs/security.md). */
  adminToken?: string;
  /** Divides every default duration (default 1 = realistic: an image takes ≥ 10 min). */
  speed?: number;
  /** Explicit ms per operation, overriding speed, e.g. `{ imageCreateMs: 200 }`. */
  durations?: Partial<Durations>;
  /** JSON state persisted across restarts; guest files live in `<stateFile>.d/` beside it. */
  stateFile?: string;
  /** `demo`: demo instances in ap-guangzhou (loaded only when the state is empty). */
  seed?: 'demo';
  /** Accepted credentials; default: env TENCENTCLOUD_SECRET_ID/KEY, else DEFAULT_CREDENTIALS. */
  credentials?: { secretId: string; secretKey: string }[];
  /** Per-action rate limits at Tencent's figures (default true). */
  rateLimits?: boolean;
  quiet?: boolean;
}

export interface RunningEmulator {
  url: string;
  port: number;
  /** Send as `Authorization: Bearer <adminToken>` to `/_emulator/*`. */
  adminToken: string;
  /** Where the token came from: `generated` ones are printed by the command-line entry points. */
  adminTokenSource: 'option' | 'env' | 'generated';
  /** Guest file trees and TAT work files (`<stateFile>.d`, or a temporary directory). */
  dataDir: string;
  close(): Promise<void>;
}

/** Documented local defaults, used when nothing else is configured. Not secrets: the emulator is local. */
export const DEFAULT_CREDENTIALS = {
  secretId: 'AKIDLOCALEMULATOR0000000000000000',
  secretKey: 'LocalEmulatorSecretKey0000000000',
};

export function credentialsFrom(opts: EmulatorOptions, env: NodeJS.ProcessEnv = process.env) {
  if (opts.credentials?.length) return opts.credentials;
  if (env.TENCENTCLOUD_SECRET_ID && env.TENCENTCLOUD_SECRET_KEY) {
    return [{ secretId: env.TENCENTCLOUD_SECRET_ID, secretKey: env.TENCENTCLOUD_SECRET_KEY }];
  }
  return [DEFAULT_CREDENTIALS];
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const tempDir = opts.stateFile ? undefined : mkdtempSync(join(tmpdir(), 'tc-emulator-'));
  const dataDir = opts.stateFile ? `${opts.stateFile}.d` : tempDir!;
  const clock = new Clock();
  const store = new Store(opts.stateFile, clock.now);
  const world: World = {
    store,
    durations: resolveDurations(opts.speed ?? 1, opts.durations),
    guests: new GuestFiles(dataDir),
    runner: new CommandRunner(dataDir),
    now: clock.now,
  };
  registerLifecycleHooks(world);
  loseInterruptedTasks(world);
  const credentials = new Map(credentialsFrom(opts).map((c) => [c.secretId, c.secretKey]));
  const host = opts.host ?? '127.0.0.1';
  const { token: adminToken, source: adminTokenSource } = resolveAdminToken(opts.adminToken);
  const access = new AccessPolicy(host, adminToken);
  const limiter = new RateLimiter(opts.rateLimits ?? true);
  const faults = new Faults(store);
  const log = new RequestLog();
  const router = new Router().add([
    ...imageActions,
    ...imageSharingActions,
    ...instanceActions,
    runInstancesAction,
    ...snapshotActions,
    ...diskActions,
    ...tatActions,
  ]);
  const admin = createAdmin({
    world,
    clock,
    faults,
    limiter,
    log,
    credentials,
    access,
    onReset: () => {
      store.reset();
      world.guests.removeAll();
      faults.clear();
      limiter.reset();
      log.reset();
    },
  });
  if (opts.seed === 'demo' && Object.keys(store.state.instances).length === 0) seedDemo(world);
  store.save();

  const quiet = opts.quiet ?? false;
  const front = createFront({ world, router, credentials, limiter, faults, log, admin, access, quiet });
  const server = createServer((req, res) => void front(req, res));
  // Outlive the clients' idle sockets (Node's agent drops them at 5 s, Tencent's front keeps them ~60 s), so
  // a client never sends a request on a socket the emulator is closing ("socket hang up").
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  if (!isLoopback(host)) console.warn(wideHostWarning(host)); // even when quiet: this one matters
  await world.runner.start();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => resolve());
    });
  } catch (err) {
    await world.runner.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  access.port = port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed = false;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    adminToken,
    adminTokenSource,
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      const runnerClosed = world.runner.close(); // kills the commands first, as before
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runnerClosed;
      store.save();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** The line the command-line entry points print after the ready line: how to reach the admin API. */
export function adminTokenLine(emulator: RunningEmulator): string {
  return emulator.adminTokenSource === 'generated'
    ? `Admin API token (this process only; send "Authorization: Bearer <token>" to /_emulator/*): ${emulator.adminToken}`
    : `Admin API token: the one given (${ADMIN_TOKEN_ENV})`;
}

function wideHostWarning(host: string): string {
  const line = '!'.repeat(78);
  return [
    line,
    `!! WARNING: the Tencent Cloud emulator listens on ${host}, not only on this machine's loopback.`,
    '!! Its TAT emulation runs real bash on THIS machine as YOUR user: anyone who can reach this port and',
    '!! holds an accepted credential (the documented local defaults, unless you set your own) runs',
    '!! commands as you. Use --host 127.0.0.1 unless you know every machine that can reach it.',
    line,
  ].join('\n');
}
