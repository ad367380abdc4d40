/**
 * `npm run emulator` as a real process: ready line, --state-file survival across SIGTERM + restart
 * (resources, pending transitions, guest files and fault rules), TAT scripts killed with a SIGKILLed
 * emulator, an unwritable state file survived, --seed demo, --speed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTencentClients } from '../../src/cloud/clients';
import { DEFAULT_CREDENTIALS } from '../../src/emulator';
import { EmulatorAdmin, errorCode, waitFor } from '../helpers/emulator';
import { spawnBuilt, type Spawned } from '../helpers/processes';

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

async function startProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ proc: Spawned; url: string }> {
  const proc = spawnBuilt('src/emulator/main.ts', ['--port', '0', ...args], {
    TENCENTCLOUD_SECRET_ID: '',
    TENCENTCLOUD_SECRET_KEY: '',
    CVM_IMAGE_EMULATOR_TOKEN: TOKEN,
    ...env,
  });
  running.push(proc);
  await proc.waitFor(/Tencent Cloud emulator listening on http:\/\/127\.0\.0\.1:\d+/);
  const url = /listening on (http:\/\/[\d.]+:\d+)/.exec(proc.output())![1];
  return { proc, url };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

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
  // Fault rules live in the state file too: a chaos run survives an emulator restart.
  await admin1.faults({ seed: 7, rules: [{ action: 'DescribeImageQuota', error: 'InternalError', count: 2 }] });
  expect(await errorCode(cvm1.DescribeImageQuota())).toBe('InternalError');
  expect(await stop(first.proc)).toBe(0);
  expect(first.proc.output()).toContain('shutting down');

  const second = await startProcess(['--state-file', stateFile, '--speed', '2000', '--seed', 'demo']);
  try {
    const admin2 = new EmulatorAdmin(second.url, TOKEN);
    const cvm2 = createTencentClients({ endpoint: second.url, credential: DEFAULT_CREDENTIALS }).cvm(REGION);
    // The rule fired once before the restart: once more, then no more.
    expect(await errorCode(cvm2.DescribeImageQuota())).toBe('InternalError');
    expect((await cvm2.DescribeImageQuota()).ImageNumQuota).toBe(10);
    expect(await admin2.faults({ rules: [] })).toEqual({ rules: [], fired: 2 });
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

it('SIGKILL during a TAT script: the script dies with the emulator; the restarted one reports TASK_TIMEOUT at its deadline', async () => {
  const stateFile = join(dir, 'tat-state.json');
  const canary = `canary-${process.pid}-secret`;
  const first = await startProcess(['--state-file', stateFile], {
    TENCENTCLOUD_SECRET_ID: 'AKIDcanary',
    TENCENTCLOUD_SECRET_KEY: canary,
  });
  const credential = { secretId: 'AKIDcanary', secretKey: canary };
  const admin1 = new EmulatorAdmin(first.url, TOKEN);
  const instanceId = await admin1.createInstance();
  const tat1 = createTencentClients({ endpoint: first.url, credential }).tat(REGION);
  const script = [
    'echo $$ > "$GUEST_ROOT/script.pid"',
    // The parent is the emulator's guard, started with the script's clean environment.
    `tr '\\0' '\\n' < /proc/$PPID/environ | grep -c -e '${canary}' -e ${TOKEN} > "$GUEST_ROOT/parent-env" || true`,
    'sleep 30',
    'echo too-late > "$GUEST_ROOT/late"',
  ].join('\n');
  const { InvocationId } = await tat1.RunCommand({
    Content: Buffer.from(script).toString('base64'),
    InstanceIds: [instanceId],
    Timeout: 3,
  });
  const guest = join(`${stateFile}.d`, 'instances', instanceId);
  // The shell creates parent-env (the redirect) before grep writes its count: wait for the count, not the file
  // (under load the test read it empty in between). waitFor takes '' as an answer: an empty file is undefined.
  const written = (name: string) =>
    (existsSync(join(guest, name)) && readFileSync(join(guest, name), 'utf8').trim()) || undefined;
  const pid = Number(await waitFor(() => written('parent-env') && written('script.pid')));
  expect(readFileSync(join(guest, 'parent-env'), 'utf8').trim()).toBe('0');
  first.proc.child.kill('SIGKILL');
  expect(await first.proc.exited).toBe('SIGKILL');
  await waitFor(() => !alive(pid), { what: `the script (pid ${pid}) to die with its emulator`, timeoutMs: 3000 });

  const second = await startProcess(['--state-file', stateFile], {
    TENCENTCLOUD_SECRET_ID: 'AKIDcanary',
    TENCENTCLOUD_SECRET_KEY: canary,
  });
  try {
    const tat2 = createTencentClients({ endpoint: second.url, credential }).tat(REGION);
    const filter = { Filters: [{ Name: 'invocation-id', Values: [InvocationId!] }] };
    const seen: string[] = [];
    const task = await waitFor(async () => {
      const t = (await tat2.DescribeInvocationTasks(filter)).InvocationTaskSet![0];
      seen.push(t.TaskStatus!);
      return t.TaskStatus !== 'RUNNING' ? t : undefined;
    });
    // "TASK_TIMEOUT: the client (agent) did not answer" (TAT's InvocationTask model), never FAILED, which
    // means the script ran to a non-zero exit: the pipeline retries the script rather than undo beside it.
    expect(task.TaskStatus).toBe('TASK_TIMEOUT');
    expect(task.ErrorInfo).toContain('restarted');
    expect(seen[0]).toBe('RUNNING');
    expect(Date.parse(task.EndTime!)).toBeGreaterThanOrEqual(Date.parse(task.StartTime!) + 3000);
    expect(existsSync(join(guest, 'late'))).toBe(false);
  } finally {
    await stop(second.proc);
  }
});

it('an unwritable state file is logged and the emulator keeps serving from memory', async () => {
  const stateFile = join(dir, 'unwritable', 'state.json');
  const { proc, url } = await startProcess(['--state-file', stateFile]);
  try {
    const admin = new EmulatorAdmin(url, TOKEN);
    const instanceId = await admin.createInstance();
    // A directory where the file was: every save fails from now on, even as root.
    rmSync(stateFile);
    mkdirSync(join(stateFile, 'blocker'), { recursive: true });
    const tat = createTencentClients({ endpoint: url, credential: DEFAULT_CREDENTIALS }).tat(REGION);
    const { InvocationId } = await tat.RunCommand({
      Content: Buffer.from('echo ok').toString('base64'),
      InstanceIds: [instanceId],
    });
    const filter = { Filters: [{ Name: 'invocation-id', Values: [InvocationId!] }] };
    const task = await waitFor(async () => {
      const t = (await tat.DescribeInvocationTasks(filter)).InvocationTaskSet![0];
      return t.TaskStatus !== 'RUNNING' ? t : undefined;
    });
    expect(task.TaskStatus).toBe('SUCCESS'); // its completion saved the state: it failed, and was survived
    const other = await admin.createInstance();
    expect((await admin.state()).instances.map((i) => i.id).sort()).toEqual([instanceId, other].sort());
    expect(proc.child.exitCode).toBeNull();
    expect(proc.output()).toMatch(/cannot save the state to .*state\.json/);
    expect(proc.output().match(/cannot save the state/g)).toHaveLength(1); // said once, not per request
  } finally {
    expect(await stop(proc)).toBe(0);
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
  const bad = spawnBuilt('src/emulator/main.ts', ['--speed', '-3']);
  running.push(bad);
  expect(await bad.exited).not.toBe(0);
  expect(bad.output()).toMatch(/--speed.*positive number/);
});
