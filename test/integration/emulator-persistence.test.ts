/**
 * `npm run emulator` as a real process: ready line, --state-file survival across SIGTERM + restart
 * (resources, pending transitions and guest files), --seed demo, --speed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTencentClients } from '../../src/cloud/clients';
import { DEFAULT_CREDENTIALS } from '../../src/emulator';
import { EmulatorAdmin, waitFor } from '../helpers/emulator';
import { spawnTs, type Spawned } from '../helpers/processes';

jest.setTimeout(120_000);

const REGION = 'ap-guangzhou';
/** The admin token the spawned emulators are started with (CVM_IMAGE_EMULATOR_TOKEN). */
const TOKEN = `persistence-${process.pid}-token`;
let dir: string;
const running: Spawned[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'emulator-state-'));
});
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startProcess(args: string[]): Promise<{ proc: Spawned; url: string }> {
  const proc = spawnTs('src/emulator/main.ts', ['--port', '0', ...args], {
    TENCENTCLOUD_SECRET_ID: '',
    TENCENTCLOUD_SECRET_KEY: '',
    CVM_IMAGE_EMULATOR_TOKEN: TOKEN,
  });
  running.push(proc);
  await proc.waitFor(/Tencent Cloud emulator listening on http:\/\/127\.0\.0\.1:\d+/);
  const url = /listening on (http:\/\/[\d.]+:\d+)/.exec(proc.output())![1];
  return { proc, url };
}

async function stop(proc: Spawned): Promise<number | string> {
  proc.child.kill('SIGTERM');
  return proc.exited;
}

it('keeps resources, pending transitions and guest files across a restart with --state-file', async () => {
  const stateFile = join(dir, 'state.json');
  // speed 2000: an image takes 300 ms — long enough to stop the process while it is CREATING.
  const first = await startProcess(['--state-file', stateFile, '--speed', '2000']);
  const admin1 = new EmulatorAdmin(first.url, TOKEN);
  const cvm1 = createTencentClients({ endpoint: first.url, credential: DEFAULT_CREDENTIALS }).cvm(REGION);
  const instanceId = await admin1.createInstance({
    state: 'STOPPED',
    files: { '/etc/fstab': 'LABEL=cloudimg-rootfs / ext4 defaults 0 1\n', '/opt/app/build-id': '42\n' },
  });
  const { ImageId } = await cvm1.CreateImage({ ImageName: 'survivor', InstanceId: instanceId });
  expect((await cvm1.DescribeImages({ ImageIds: [ImageId!] })).ImageSet![0].ImageState).toBe('CREATING');
  expect(await stop(first.proc)).toBe(0);
  expect(first.proc.output()).toContain('shutting down');

  const second = await startProcess(['--state-file', stateFile, '--speed', '2000', '--seed', 'demo']);
  try {
    const admin2 = new EmulatorAdmin(second.url, TOKEN);
    const cvm2 = createTencentClients({ endpoint: second.url, credential: DEFAULT_CREDENTIALS }).cvm(REGION);
    const image = await waitFor(async () => {
      const i = (await cvm2.DescribeImages({ ImageIds: [ImageId!] })).ImageSet![0];
      return i.ImageState === 'NORMAL' ? i : undefined;
    });
    expect(image.ImageName).toBe('survivor');
    const instances = (await cvm2.DescribeInstances({})).InstanceSet!;
    // The demo seed is not loaded over existing state.
    expect(instances.map((i) => i.InstanceId)).toEqual([instanceId]);
    expect(instances[0].LatestOperationState).toBe('SUCCESS');
    const state = await admin2.state();
    expect(state.instances[0].files['/opt/app/build-id']).toBe('42\n');
    expect(state.images[0].files['/opt/app/build-id']).toBe('42\n');
    const launched = await cvm2.RunInstances({ ImageId, Placement: { Zone: 'ap-guangzhou-3' } });
    const files = (await admin2.state()).instances.find((i) => i.id === launched.InstanceIdSet![0])!.files;
    expect(files['/opt/app/build-id']).toBe('42\n');
  } finally {
    expect(await stop(second.proc)).toBe(0);
  }
});

it('a command still running when the emulator stops ends FAILED after the restart', async () => {
  const stateFile = join(dir, 'tat-state.json');
  const first = await startProcess(['--state-file', stateFile]);
  const instanceId = await new EmulatorAdmin(first.url, TOKEN).createInstance();
  const tat1 = createTencentClients({ endpoint: first.url, credential: DEFAULT_CREDENTIALS }).tat(REGION);
  const { InvocationId } = await tat1.RunCommand({
    Content: Buffer.from('sleep 60').toString('base64'),
    InstanceIds: [instanceId],
  });
  expect(await stop(first.proc)).toBe(0);
  const second = await startProcess(['--state-file', stateFile]);
  try {
    const tat2 = createTencentClients({ endpoint: second.url, credential: DEFAULT_CREDENTIALS }).tat(REGION);
    const filter = { Filters: [{ Name: 'invocation-id', Values: [InvocationId!] }] };
    const task = await waitFor(async () => {
      const t = (await tat2.DescribeInvocationTasks(filter)).InvocationTaskSet![0];
      return t.TaskStatus !== 'RUNNING' ? t : undefined;
    });
    expect(task.TaskStatus).toBe('FAILED');
  } finally {
    await stop(second.proc);
  }
});

it('--seed demo on an empty state loads the demo instances; bad flags are refused by name', async () => {
  const { proc, url } = await startProcess(['--seed', 'demo']);
  try {
    const cvm = createTencentClients({ endpoint: url, credential: DEFAULT_CREDENTIALS }).cvm(REGION);
    expect((await cvm.DescribeInstances({})).TotalCount).toBe(3);
  } finally {
    await stop(proc);
  }
  const bad = spawnTs('src/emulator/main.ts', ['--speed', '-3']);
  running.push(bad);
  expect(await bad.exited).not.toBe(0);
  expect(bad.output()).toMatch(/--speed.*positive number/);
});
