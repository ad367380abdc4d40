/**
 * `npm start` (src/main.ts) as a real process: dev server + Web UI + emulator + worker come up, the worker
 * polls `cvm-image`, `--demo` runs a pipeline end to end, and SIGINT (Ctrl-C) leaves nothing running.
 */
import net from 'node:net';
import { Connection } from '@temporalio/client';
import { freePort } from '../../src/devserver/dev-server';
import { spawnTs, type Spawned } from '../helpers/processes';

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

async function startMain(extra: string[] = []) {
  const ports = { temporal: await freePort(), ui: await freePort(), emulator: await freePort() };
  const env: NodeJS.ProcessEnv = { TEMPORAL_ADDRESS: '', TENCENTCLOUD_ENDPOINT: '', CVM_IMAGE_TASK_QUEUE: '' };
  const args = ['--temporal-port', String(ports.temporal), '--ui-port', String(ports.ui)];
  args.push('--emulator-port', String(ports.emulator), '--speed', '2000', ...extra);
  return { proc: spawnTs('src/main.ts', args, env), ports };
}

async function stopAndCheck(proc: Spawned, ports: Record<string, number>) {
  proc.child.kill('SIGINT');
  expect(await proc.exited).toBe(0);
  for (const port of Object.values(ports)) expect(await portOpen(port)).toBe(false);
}

describe('npm start', () => {
  it('brings up the UI, the emulator and a polling worker, prints next steps, and stops on Ctrl-C', async () => {
    const { proc, ports } = await startMain();
    try {
      await proc.waitFor(/Try next/, 90_000);
      const out = proc.output();
      expect(out).toContain('temporal workflow start --type createCustomImage --task-queue cvm-image');
      expect(out).toMatch(/cvm-image create --region ap-guangzhou --instance-id ins-[a-z0-9]{8}/);
      expect(out).toContain(`http://localhost:${ports.ui}/namespaces/default/workflows`);

      const ui = await fetch(`http://localhost:${ports.ui}/`);
      expect(ui.status).toBe(200);
      const emu = await fetch(`http://127.0.0.1:${ports.emulator}/_emulator/state`);
      expect(((await emu.json()) as { instances: unknown[] }).instances.length).toBeGreaterThanOrEqual(3);

      const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
      try {
        const tq = await connection.workflowService.describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: 'cvm-image' },
          taskQueueType: 1,
        });
        expect(tq.pollers?.length ?? 0).toBeGreaterThan(0);
      } finally {
        await connection.close();
      }
      await stopAndCheck(proc, ports);
    } finally {
      proc.killGroup();
    }
  });

  it('--demo runs one pipeline end to end and streams its progress', async () => {
    const { proc, ports } = await startMain(['--demo']);
    try {
      await proc.waitFor(/"imageId": "img-[a-z0-9]+"/, 120_000);
      const out = proc.output();
      expect(out).toMatch(/Demo pipeline cvm-image\/ap-guangzhou\/ins-/);
      expect(out).toMatch(/creating-image|waiting-for-image/);
      expect(out).toMatch(/completed/);
      await stopAndCheck(proc, ports);
    } finally {
      proc.killGroup();
    }
  });
});
