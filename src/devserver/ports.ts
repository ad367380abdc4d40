/**
 * `npm start` binds fixed ports (7233, 8233, 9100 by default). A port someone else holds is named with the
 * flag that moves it, before anything starts, instead of "temporal server exited early" or a bare EADDRINUSE.
 */
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
