/**
 * freePorts: distinct ports that no other process's bind(0) gets before our server binds them.
 * - `npm start` once got one port for the Web UI and the emulator (EADDRINUSE, main-start in a clean-clone run),
 *   each picked by its own freePort(): the kernel handed out a port it had just handed out.
 * - The suite's global setup once lost a dev server ("temporal server exited early", a clean-clone run): five
 *   start at once, and each also takes ports for its own services with bind(0), so a port we had picked and
 *   released could go to another server first.
 * Reproduced for certain in a network namespace of the test's own (`unshare -rn`, util-linux; `ip`, iproute2)
 * whose ephemeral range is four ports: once we hold or have picked three, bind(0) has one port left to give.
 */
import { execFileSync } from 'node:child_process';
import { ROOT } from '../helpers/processes';

const PICKS = `
const net = require('node:net');
const { freePort, freePorts } = require('./src/devserver/ports.ts');
const listen = (port) => new Promise((resolve) => {
  const srv = net.createServer();
  srv.once('error', (err) => resolve(err.code));
  srv.listen(port, '127.0.0.1', () => resolve(String(srv.address().port)));
});
(async () => {
  const together = await freePorts(2);
  const alone = await freePort();
  // Another process asking the kernel for any port now: only the fourth is left to give, then none.
  const anyPort = [await listen(0), await listen(0)];
  // Our servers can still bind what they were given.
  const bound = [];
  for (const port of [...together, alone]) bound.push(await listen(port));
  console.log(JSON.stringify({ together, alone, anyPort, bound }));
  process.exit(0);
})();
`;

it('hands out distinct ports that bind(0) does not give to anyone else, and our servers still bind them', () => {
  const setUp = 'ip link set lo up && echo "40000 40003" > /proc/sys/net/ipv4/ip_local_port_range && exec "$0" "$@"';
  const out = execFileSync('unshare', ['-rn', 'sh', '-c', setUp, process.execPath, '--import', 'tsx', '-e', PICKS], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const { together, alone, anyPort, bound } = JSON.parse(out) as {
    together: number[];
    alone: number;
    anyPort: string[];
    bound: string[];
  };
  const picked = [...together, alone];
  expect(new Set(picked).size).toBe(3);
  for (const port of picked) expect([40000, 40001, 40002, 40003]).toContain(port);
  const fourth = [40000, 40001, 40002, 40003].find((p) => !picked.includes(p));
  expect(anyPort).toEqual([String(fourth), 'EADDRINUSE']);
  expect(bound).toEqual(picked.map(String));
});
