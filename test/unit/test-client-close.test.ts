/**
 * worker-versioning.test.ts once failed to run after its test passed: "Channel has been shut down", thrown
 * by the SDK's retry interceptor (grpc-retry.ts, `Timeout.retry`) when a retry set before `close()` fires
 * after it: inside a timer, so an uncaught exception that jest blames on whatever suite runs then. Test
 * connections (closeSafeConnection) stop retrying once closing and close after the retries already set.
 */
import { createServer } from 'node:net';
import { closeSafeConnection } from '../helpers/temporal';

/** A port nothing listens on: every call fails UNAVAILABLE, which the interceptor retries. */
async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return `127.0.0.1:${port}`;
}

it('close() while a failed call waits for its retry: the call ends failed, nothing is retried after', async () => {
  const connection = closeSafeConnection({ address: await deadAddress() });
  const call = connection.workflowService.getSystemInfo({}).then(
    () => 'answered',
    (err: Error) => err.message,
  );
  await new Promise((r) => setTimeout(r, 150)); // the first attempt has failed; its retry is set
  await connection.close();
  expect(await call).toMatch(/UNAVAILABLE/);
  await new Promise((r) => setTimeout(r, 1_000)); // a retry set before close would have fired by now
}, 15_000);

// A clean-clone CI run failed the test above: under load the event loop's clock lags the wall clock, so a wait
// computed from Date.now() and started on the loop's clock ended before the retry's timer fired.
it('close() on a lagging event loop still lets the retry already set fire first', async () => {
  const connection = closeSafeConnection({ address: await deadAddress() });
  const call = connection.workflowService.getSystemInfo({}).then(
    () => 'answered',
    (err: Error) => err.message,
  );
  await new Promise((r) => setTimeout(r, 150)); // a retry is set
  const busyUntil = Date.now() + 80; // the loop's cached time falls 80 ms behind, as under load
  while (Date.now() < busyUntil);
  await connection.close();
  expect(await call).toMatch(/UNAVAILABLE/);
  await new Promise((r) => setTimeout(r, 1_000));
}, 15_000);
