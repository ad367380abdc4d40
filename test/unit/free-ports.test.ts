/**
 * freePorts: distinct ports, also where the kernel hands one out twice. `npm start` once got one port for the
 * Web UI and the emulator (EADDRINUSE, main-start in a clean-clone run), each picked by its own freePort().
 * Reproduced for certain in a network namespace of the test's own (`unshare -rn`, util-linux) whose ephemeral
 * range is two ports: one at a time, three picks must repeat one; together, two never do, and a third is refused.
 */
import { execFileSync } from 'node:child_process';
import { ROOT } from '../helpers/processes';

const PICKS = `
const { freePort, freePorts } = require('./src/devserver/dev-server.ts');
(async () => {
  const oneAtATime = [], together = [];
  for (let i = 0; i < 5; i++) oneAtATime.push([await freePort('0.0.0.0'), await freePort('0.0.0.0'), await freePort('0.0.0.0')]);
  for (let i = 0; i < 5; i++) together.push(await freePorts(2, '0.0.0.0'));
  const third = await freePorts(3, '0.0.0.0').then((p) => 'got ' + p, (e) => e.code);
  console.log(JSON.stringify({ oneAtATime, together, third }));
})();
`;

it('hands out distinct ports where one-at-a-time picks repeat', () => {
  // 0.0.0.0: the namespace's loopback is down, and nothing here needs it up.
  const setRange = 'echo "40000 40001" > /proc/sys/net/ipv4/ip_local_port_range && exec "$0" "$@"';
  const out = execFileSync('unshare', ['-rn', 'sh', '-c', setRange, process.execPath, '--import', 'tsx', '-e', PICKS], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const { oneAtATime, together, third } = JSON.parse(out) as {
    oneAtATime: number[][];
    together: number[][];
    third: string;
  };
  for (const picks of oneAtATime) expect(new Set(picks).size).toBeLessThan(3);
  for (const ports of together) {
    expect(new Set(ports).size).toBe(2);
    for (const port of ports) expect([40000, 40001]).toContain(port);
  }
  expect(third).toBe('EADDRINUSE');
});
