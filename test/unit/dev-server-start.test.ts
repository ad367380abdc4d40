/**
 * A dev server that exits before it serves says why: the end of its stderr is in the error (a clean-clone run
 * once lost a server with only "temporal server exited early with code 2" to go on). A port the caller chose
 * is not swapped for another.
 */
import net from 'node:net';
import { startDevServer } from '../../src/devserver/dev-server';

it("names the server's own reason when it exits early on the caller's port", async () => {
  // Held by someone else: accepted connections (our readiness probe's) are dropped, as a stranger would.
  const held = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
  const { port } = held.address() as net.AddressInfo;
  try {
    await expect(startDevServer({ port })).rejects.toThrow(
      new RegExp(`exited early with code \\d+: .*${port}.*address already in use`, 's'),
    );
  } finally {
    held.close();
  }
});
