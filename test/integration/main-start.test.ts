/**
 * `npm start` as an operator runs it (npm, then src/main.ts): dev server + Web UI + emulator + worker come
 * up, the worker polls `cvm-image`, `--demo` runs a pipeline end to end, and SIGTERM (what `kill`, systemd
 * or a container runtime sends) or SIGHUP to npm's pid leaves no process and no port behind. A port in use
 * is named, with the flag that moves it.
 */
import net from 'node:net';
import { Connection } from '@temporalio/client';
import { freePorts } from '../../src/devserver/ports';
import { execFileSync } from 'node:child_process';
import { spawnNpm, type Spawned } from '../helpers/processes';
import { workflowPollers } from '../helpers/temporal';

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

async function startMain(extra: string[] = [], more: NodeJS.ProcessEnv = {}) {
  const [temporal, ui, emulator] = await freePorts(3);
  const ports = { temporal, ui, emulator };
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: '',
    TENCENTCLOUD_ENDPOINT: '',
    CVM_IMAGE_TASK_QUEUE: '',
    CVM_IMAGE_EMULATOR_TOKEN: '',
    CVM_IMAGE_WORKFLOW_BUNDLE: '',
    ...more,
  };
  const args = ['--temporal-port', String(ports.temporal), '--ui-port', String(ports.ui)];
  args.push('--emulator-port', String(ports.emulator), '--speed', '2000', ...extra);
  return { proc: spawnNpm('start', args, env), ports };
}

/** The pids in a process group (the test started npm as the leader of its own group). */
function groupMembers(pgid: number): number[] {
  const ps = execFileSync('ps', ['-e', '-o', 'pid=,pgid='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([pid, group]) => group === pgid && pid)
    .map(([pid]) => pid);
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Sends `signal` to npm's pid only (not the group), then expects every process and port gone. */
async function stopAndCheck(proc: Spawned, ports: Record<string, number>, signal: NodeJS.Signals) {
  const pgid = proc.child.pid!;
  expect(groupMembers(pgid).length).toBeGreaterThan(2); // npm, node, the dev server at least
  process.kill(pgid, signal);
  await proc.exited;
  await until(`no process left of npm start's group after ${signal}`, () => groupMembers(pgid).length === 0);
  for (const [name, port] of Object.entries(ports)) {
    await until(`port ${port} (${name}) closed after ${signal}`, async () => !(await portOpen(port)));
  }
  // npm forwards SIGTERM; on SIGHUP npm itself dies, and the program notices its parent is gone.
  expect(proc.output()).toMatch(
    signal === 'SIGHUP' ? /(SIGHUP|parent process \d+ is gone): stopping/ : new RegExp(`${signal}: stopping`),
  );
}

describe('npm start', () => {
  it('brings up the UI, the emulator and a polling worker, prints next steps, and stops on SIGTERM', async () => {
    const { proc, ports } = await startMain();
    try {
      await proc.waitFor(/Try next/, 90_000);
      const out = proc.output();
      const address = `127.0.0.1:${ports.temporal}`;
      expect(out).toContain(`workflow start --address ${address} --type createCustomImage --task-queue cvm-image`);
      expect(out).toMatch(
        new RegExp(`cvm-image create --address ${address} --region ap-guangzhou --instance-id ins-[a-z0-9]{8}`),
      );
      expect(out).toContain(`http://localhost:${ports.ui}/namespaces/default/workflows`);

      const ui = await fetch(`http://localhost:${ports.ui}/`);
      expect(ui.status).toBe(200);
      const token = /Admin API token \(this process only; .*\): (\S+)/.exec(out)?.[1];
      expect(token).toMatch(/^[\w-]{32,}$/);
      const noToken = await fetch(`http://127.0.0.1:${ports.emulator}/_emulator/state`);
      expect(noToken.status).toBe(401);
      const emu = await fetch(`http://127.0.0.1:${ports.emulator}/_emulator/state`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(((await emu.json()) as { instances: unknown[] }).instances.length).toBeGreaterThanOrEqual(3);

      const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
      try {
        expect(await workflowPollers(connection, 'cvm-image')).toBeGreaterThan(0);
      } finally {
        await connection.close();
      }
      await stopAndCheck(proc, ports, 'SIGTERM');
    } finally {
      proc.killGroup();
    }
  });

  it('--demo runs one pipeline end to end and streams its progress', async () => {
    // The suite's prebuilt bundle (the first test bundles from source, as an operator's `npm start` does).
    const { proc, ports } = await startMain(['--demo'], {
      CVM_IMAGE_WORKFLOW_BUNDLE: process.env.CVM_TEST_WORKFLOW_BUNDLE,
    });
    try {
      await proc.waitFor(/"imageId": "img-[a-z0-9]+"/, 120_000);
      const out = proc.output();
      expect(out).toMatch(/Demo pipeline cvm-image\/ap-guangzhou\/ins-/);
      expect(out).toMatch(/creating-image|waiting-for-image/);
      expect(out).toMatch(/completed/);
      await stopAndCheck(proc, ports, 'SIGHUP');
    } finally {
      proc.killGroup();
    }
  });

  it('names a port in use and the flag that moves it, and starts nothing', async () => {
    const held = net.createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    const port = (held.address() as net.AddressInfo).port;
    try {
      const proc = spawnNpm('start', ['--temporal-port', '0', '--ui-port', '0', '--emulator-port', String(port)], {
        TEMPORAL_ADDRESS: '',
        TENCENTCLOUD_ENDPOINT: '',
      });
      try {
        expect(await proc.exited).toBe(1);
        expect(proc.output()).toContain(
          `port ${port} on 127.0.0.1, wanted for the Tencent Cloud emulator, is already in use`,
        );
        expect(proc.output()).toContain('npm start -- --emulator-port <port>');
        expect(proc.output()).not.toContain('Temporal dev server on');
      } finally {
        proc.killGroup();
      }
    } finally {
      held.close();
    }
  });
});
