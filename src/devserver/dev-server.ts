/**
 * Starts a Temporal dev server (`temporal server start-dev`) from the resolved CLI, on free ports, with
 * the project's search attributes registered. Used by `npm start`, the test suite, chaos and bench runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_FLAGS, SEARCH_ATTRIBUTES } from '../contract';
import { freePorts } from './ports';
import { resolveTemporalCli } from './temporal-cli';

export interface DevServerOptions {
  /** gRPC port; a free one when omitted. */
  port?: number;
  ip?: string;
  /** Web UI port; no UI when omitted and `ui` is false. */
  ui?: boolean;
  uiPort?: number;
  /** Keeps state across restarts of the server. */
  dbFilename?: string;
  namespace?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Where the server's own output goes; ignored by default. */
  stdio?: 'inherit' | 'ignore';
  uiCodecEndpoint?: string;
  /** Dynamic config values (`--dynamic-config-value KEY=VALUE`, VALUE as JSON), e.g. for test servers. */
  dynamicConfig?: Record<string, unknown>;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  /** The server process when we spawned it (absent on the SDK-download route). */
  process?: ChildProcess;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  stop(): Promise<void>;
}

/** The server process ended before it served: its exit and the end of what it wrote to stderr. */
class ExitedEarly extends Error {
  constructor(child: ChildProcess, stderrTail: string) {
    const how = child.exitCode !== null ? `with code ${child.exitCode}` : `on ${child.signalCode}`;
    super(`temporal server exited early ${how}${stderrTail.trim() ? `: ${stderrTail.trim()}` : ''}`);
    this.name = 'ExitedEarly';
  }
}

async function waitUntilServing(
  address: string,
  child: ChildProcess,
  timeoutMs: number,
  stderrTail: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new ExitedEarly(child, stderrTail());
    try {
      // Lazy, so a connection that never got through is closed too (its channel would keep the process alive).
      const conn = Connection.lazy({ address, connectTimeout: 1000 });
      try {
        await conn.ensureConnected();
        await conn.workflowService.getSystemInfo({});
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`temporal server at ${address} not ready after ${timeoutMs} ms: ${String(lastError)}`);
}

export function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Ports we choose are parked (ports.ts), yet a port is only free when asked: when the server exits before it
 * serves and we chose its ports, it starts again on new ones (a port the caller chose stays the caller's error).
 */
const STARTS_ON_OUR_PORTS = 3;

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const cli = resolveTemporalCli();
  if (!cli.path) return startWithSdkDownload(opts);
  const starts = opts.port === undefined && opts.uiPort === undefined ? STARTS_ON_OUR_PORTS : 1;
  for (let start = 1; ; start++) {
    try {
      return await startOnce(cli.path, opts);
    } catch (err) {
      if (!(err instanceof ExitedEarly) || start >= starts) throw err;
    }
  }
}

async function startOnce(cliPath: string, opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  // The server's port and the UI's: distinct, and neither one the caller chose for the other.
  const free = (await freePorts(3, ip)).filter((p) => p !== opts.port && p !== opts.uiPort);
  const port = opts.port ?? free[0];
  const namespace = opts.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--namespace', namespace];
  args.push('--log-level', opts.logLevel ?? 'warn');
  for (const flag of SEARCH_ATTRIBUTE_FLAGS) args.push('--search-attribute', flag);
  if (opts.dbFilename) args.push('--db-filename', opts.dbFilename);
  for (const [key, value] of Object.entries(opts.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  let uiUrl: string | undefined;
  if (opts.ui || opts.uiPort) {
    const uiPort = opts.uiPort ?? free[1];
    args.push('--ui-port', String(uiPort), '--ui-disable-news-fetch');
    if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
    uiUrl = `http://localhost:${uiPort}`;
  } else {
    args.push('--headless');
  }
  // Unless the caller takes the output, the end of stderr is kept to say why a server exited early.
  const child = spawn(cliPath, args, { stdio: ['ignore', opts.stdio ?? 'ignore', opts.stdio ?? 'pipe'] });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-2000);
  });
  const address = `${ip}:${port}`;
  try {
    await waitUntilServing(address, child, 60_000, () => stderrTail);
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
  return { address, namespace, uiUrl, process: child, stop: () => stopProcess(child) };
}

/** Last resort on machines with internet: the SDK downloads and runs the CLI itself. */
async function startWithSdkDownload(opts: DevServerOptions): Promise<DevServer> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download' },
      ip: opts.ip,
      port: opts.port,
      ui: opts.ui,
      uiPort: opts.uiPort,
      dbFilename: opts.dbFilename,
      namespace: opts.namespace,
      searchAttributes: SEARCH_ATTRIBUTES,
    },
  });
  const address = env.address;
  const uiUrl =
    opts.ui || opts.uiPort ? `http://localhost:${opts.uiPort ?? Number(address.split(':')[1]) + 1000}` : undefined;
  return { address, namespace: opts.namespace ?? 'default', uiUrl, stop: () => env.teardown() };
}
