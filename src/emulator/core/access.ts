/**
 * Who may talk to the emulator at all (docs/security.md). It runs real bash for TAT on this machine, so:
 * - no browser page: a request carrying a foreign `Origin` (sent on every cross-origin POST, the "simple"
 *   text/plain ones included) or `Sec-Fetch-Site: cross-site|same-site` is refused;
 * - no DNS rebinding: the `Host` must name this server by address (localhost, 127.0.0.1, [::1], or the
 *   address it listens on) with its own port — a rebound name never matches;
 * - the admin API (`/_emulator/`) also wants this process's token (`Authorization: Bearer <token>`).
 * The cloud API itself is guarded by TC3 signatures, as Tencent's.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export const ADMIN_TOKEN_ENV = 'CVM_IMAGE_EMULATOR_TOKEN';

/** 32 random bytes, URL-safe: the admin token of one emulator process. */
export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The token: given, else from CVM_IMAGE_EMULATOR_TOKEN (so our tools and the emulator agree), else random. */
export function resolveAdminToken(given: string | undefined, env: NodeJS.ProcessEnv = process.env) {
  if (given) return { token: given, source: 'option' as const };
  const fromEnv = env[ADMIN_TOKEN_ENV];
  if (fromEnv) {
    if (fromEnv.length < 16) throw new Error(`${ADMIN_TOKEN_ENV} must be at least 16 characters`);
    return { token: fromEnv, source: 'env' as const };
  }
  return { token: newAdminToken(), source: 'generated' as const };
}

export const isLoopback = (host: string) => ['127.0.0.1', '::1', 'localhost'].includes(host);
export const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '';

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export class AccessPolicy {
  port = 0;

  constructor(
    private readonly listenHost: string,
    private readonly adminToken: string,
  ) {}

  /** Host names a request may use: loopback always; the listen address; any IP literal when on all addresses. */
  private hostAllowed(hostname: string): boolean {
    const bare = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    if (isLoopback(bare) || bare === this.listenHost.toLowerCase()) return true;
    return isWildcard(this.listenHost) && isIP(bare) !== 0;
  }

  /** The `host:port` of a Host or Origin, when it names this server. */
  private ours(authority: string): boolean {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d+))?$/.exec(authority);
    return !!m && this.hostAllowed(m[1]) && Number(m[2] ?? 80) === this.port;
  }

  /** Why the request is refused, or undefined when it may go on. */
  refusal(req: IncomingMessage): string | undefined {
    // tccli (the Python SDK given --endpoint http://…) sends the scheme in Host: the name is what matters.
    const host = header(req, 'host')?.replace(/^https?:\/\//, '');
    if (!host || !this.ours(host)) return `Host "${host ?? ''}" is not this emulator (refused: DNS rebinding guard)`;
    const origin = header(req, 'origin');
    if (origin !== undefined) {
      const m = /^http:\/\/(.+)$/.exec(origin);
      if (!m || !this.ours(m[1])) return `Origin "${origin}" is not this emulator (browser pages are refused)`;
    }
    const site = header(req, 'sec-fetch-site');
    if (site === 'cross-site' || site === 'same-site') return `Sec-Fetch-Site "${site}": browser pages are refused`;
    return undefined;
  }

  /** `Authorization: Bearer <token>`, compared in constant time. */
  adminAuthorized(req: IncomingMessage): boolean {
    const m = /^Bearer (\S+)$/.exec(header(req, 'authorization') ?? '');
    if (!m) return false;
    const given = Buffer.from(m[1]);
    const want = Buffer.from(this.adminToken);
    return given.length === want.length && timingSafeEqual(given, want);
  }
}
