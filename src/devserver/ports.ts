/**
 * Free ports for servers we start (`freePorts`), and `npm start`'s check of its fixed ports.
 *
 * `npm start` binds fixed ports (7233, 8233, 9100 by default). A port someone else holds is named with the
 * flag that moves it, before anything starts, instead of "temporal server exited early" or a bare EADDRINUSE.
 */
import { once } from 'node:events';
import net from 'node:net';

export interface WantedPort {
  port: number;
  /** What would listen there, e.g. "the Temporal dev server (gRPC)". */
  what: string;
  /** The flag that changes it, e.g. "--temporal-port". */
  flag: string;
}

export class PortInUseError extends Error {
  constructor(
    readonly wanted: WantedPort,
    host: string,
    cause: unknown,
  ) {
    super(
      `port ${wanted.port} on ${host}, wanted for ${wanted.what}, is already in use ` +
        `(${(cause as NodeJS.ErrnoException)?.code ?? cause}). Stop what holds it, or choose another port: ` +
        `npm start -- ${wanted.flag} <port>`,
      { cause },
    );
    this.name = 'PortInUseError';
  }
}

function tryListen(port: number, host: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** Throws a `PortInUseError` for the first port that cannot be bound (port 0 = any free port: skipped). */
export async function assertPortsFree(wanted: WantedPort[], host = '127.0.0.1'): Promise<void> {
  for (const w of wanted) {
    if (w.port === 0) continue;
    const err = await tryListen(w.port, host);
    if (err) throw new PortInUseError(w, host, err);
  }
}

/**
 * `count` distinct free ports, each left in TIME_WAIT so no other process's bind(0) gets it before our server
 * binds it. Each listener stays open until all are chosen: asked one at a time, the kernel may hand out a port
 * it just handed out (`npm start` once got one port for the Web UI and the emulator). And a released port is
 * anyone's: Linux randomizes ephemeral ports, so a Temporal dev server starting beside ours could take it for
 * one of its own services (five servers start at once for the test suite; one exited early in a clean-clone
 * run, its output discarded: the likely cause, not a proven one). Temporal's own free-port helper parks its
 * ports the same way (temporalio/cli temporalcli/devserver/freeport.go, PR #564): the servers bind them with
 * SO_REUSEADDR (Go's and Node's default on Unix), which a socket in TIME_WAIT does not stop. A port is only
 * free when asked: whoever binds it late can still lose it.
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const srv = net.createServer();
      srv.unref();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, host, resolve);
      });
    }
    // macOS and Windows hand out ephemeral ports in sequence: no parking there (Temporal's helper skips them too).
    if (process.platform !== 'darwin' && process.platform !== 'win32') {
      await Promise.all(servers.map((srv) => parkInTimeWait(srv, host)));
    }
    return servers.map((srv) => (srv.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((srv) => new Promise((resolve) => srv.close(resolve))));
  }
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [port] = await freePorts(1, host);
  return port;
}

/**
 * One connection to `srv`, closed from the server's side first: that side ends in TIME_WAIT (60 s on Linux),
 * on the listener's port. Where the connection cannot be made (no loopback), the port is returned unparked.
 */
async function parkInTimeWait(srv: net.Server, host: string): Promise<void> {
  const { port } = srv.address() as net.AddressInfo;
  const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const accepted = once(srv, 'connection') as Promise<[net.Socket]>;
  const client = net.connect(port, target);
  try {
    await once(client, 'connect');
  } catch {
    return;
  }
  const [server] = await accepted;
  // Our side closes second, once the server side's FIN is in (or the connection is gone some other way).
  await new Promise<void>((resolve) => {
    for (const event of ['end', 'close', 'error']) client.once(event, () => resolve());
    server.destroy();
  });
  client.destroy();
}
