/** TAT: commands really run with bash against the instance's guest tree; mount/blkid shims; limits. */
import { errorCode, startTestEmulator, waitFor, type TestEmulator } from '../helpers/emulator';

const REGION = 'ap-guangzhou';
const DATA_UUID = '0b1c2d3e-1111-4222-8333-944455556666';
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());
beforeEach(() => emu.admin.reset());

const tat = () => emu.clients.tat(REGION);
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function run(instanceId: string, script: string, extra: { Timeout?: number } = {}) {
  const { InvocationId } = await tat().RunCommand({
    Content: b64(script),
    InstanceIds: [instanceId],
    CommandType: 'SHELL',
    ...extra,
  });
  const filter = { Filters: [{ Name: 'invocation-id', Values: [InvocationId!] }] };
  const first = (await tat().DescribeInvocationTasks(filter)).InvocationTaskSet![0];
  const task = await waitFor(
    async () => {
      const t = (await tat().DescribeInvocationTasks(filter)).InvocationTaskSet![0];
      return t.TaskStatus !== 'RUNNING' ? t : undefined;
    },
    { what: 'task end', timeoutMs: 30_000 },
  );
  return {
    first,
    task,
    status: task.TaskStatus,
    exitCode: task.TaskResult!.ExitCode,
    output: Buffer.from(task.TaskResult!.Output!, 'base64').toString(),
  };
}

const fixture = () =>
  emu.admin.createInstance({
    dataDisks: [{ sizeGb: 50, fsUuid: DATA_UUID, fsLabel: 'data' }],
    files: { '/etc/fstab': `LABEL=cloudimg-rootfs / ext4 defaults 0 1\nUUID=${DATA_UUID} /data ext4 defaults 0 2\n` },
  });

describe('RunCommand / DescribeInvocationTasks', () => {
  it('runs the script against GUEST_ROOT, reporting RUNNING first, then output and exit code', async () => {
    const id = await fixture();
    const r = await run(id, 'grep -c /data "${GUEST_ROOT:-}/etc/fstab"; echo to-stderr >&2; exit 3');
    expect(r.first.TaskStatus).toBe('RUNNING');
    expect(r.status).toBe('FAILED');
    expect(r.exitCode).toBe(3);
    expect(r.output).toBe('1\nto-stderr\n');
    expect(r.task).toMatchObject({ InstanceId: id, InvocationTaskId: expect.stringMatching(/^invt-[a-z0-9]{8}$/) });
  });

  it('changes guest files that the admin state (and later images) see', async () => {
    const id = await fixture();
    const r = await run(
      id,
      'sed -i "/\\/data/s/^/#/" "$GUEST_ROOT/etc/fstab" && mkdir -p "$GUEST_ROOT/opt" && echo v2 > "$GUEST_ROOT/opt/version"',
    );
    expect(r.status).toBe('SUCCESS');
    const inst = (await emu.admin.state()).instances.find((i) => i.id === id)!;
    expect(inst.files['/etc/fstab']).toContain(`#UUID=${DATA_UUID} /data`);
    expect(inst.files['/opt/version']).toBe('v2\n');
  });

  it('answers blkid/findmnt/mount -a from the emulated disks, never the host', async () => {
    const id = await fixture();
    const r = await run(
      id,
      [
        'blkid -s UUID -o value /dev/vdb',
        'blkid -L data',
        'findmnt -n -o SOURCE /data',
        'umount /data && (findmnt /data || echo gone)',
        'mount -a && findmnt -n -o TARGET /data',
        'echo "/dev/vdq /missing ext4 defaults 0 0" >> "$GUEST_ROOT/etc/fstab"',
        'mount -a; echo "rc=$?"',
        'findmnt --verify >/dev/null; echo "verify=$?"',
      ].join('\n'),
    );
    expect(r.output.split('\n')).toEqual([
      DATA_UUID,
      '/dev/vdb',
      '/dev/vdb',
      'gone',
      '/data',
      'mount: /missing: special device /dev/vdq does not exist.',
      'rc=32',
      'verify=1',
      '',
    ]);
  });

  it('ends TIMEOUT after Timeout seconds and bounds output to 24 KB', async () => {
    const id = await fixture();
    const slow = await run(id, 'echo started; sleep 30', { Timeout: 1 });
    expect(slow.status).toBe('TIMEOUT');
    expect(slow.output).toBe('started\n');
    const loud = await run(id, 'head -c 30000 /dev/zero | tr "\\0" x');
    expect(loud.status).toBe('SUCCESS');
    expect(loud.output.length).toBe(24 * 1024);
    expect(loud.task.TaskResult!.Dropped).toBe(30000 - 24 * 1024);
  });

  it('refuses stopped instances, offline agents, bad content and unknown instances', async () => {
    const stopped = await emu.admin.createInstance({ state: 'STOPPED' });
    const offline = await emu.admin.createInstance({ agentOnline: false });
    const content = b64('true');
    expect(await errorCode(tat().RunCommand({ Content: content, InstanceIds: [stopped] }))).toBe(
      'ResourceUnavailable.InstanceStateNotRunning',
    );
    expect(await errorCode(tat().RunCommand({ Content: content, InstanceIds: [offline] }))).toBe(
      'ResourceUnavailable.AgentStatusNotOnline',
    );
    expect(await errorCode(tat().RunCommand({ Content: 'not base64!', InstanceIds: [offline] }))).toBe(
      'InvalidParameterValue.CommandContentInvalid',
    );
    expect(await errorCode(tat().RunCommand({ Content: content, InstanceIds: ['ins-00000000'] }))).toBe(
      'ResourceNotFound.InstanceNotFound',
    );
    expect(await errorCode(tat().RunCommand({ Content: content, InstanceIds: [offline], Timeout: 0 }))).toBe(
      'InvalidParameterValue',
    );
    // CommandName: Chinese characters, letters, digits, _ - . only, ≤ 60 bytes (tccli tat api.json).
    const online = await emu.admin.createInstance();
    for (const CommandName of ['cvm-image-pipeline fstab-check', 'a/b', 'x'.repeat(61)]) {
      expect(await errorCode(tat().RunCommand({ Content: content, InstanceIds: [online], CommandName }))).toBe(
        'InvalidParameterValue.InvalidCommandName',
      );
    }
    expect((await emu.admin.state()).tasks).toEqual([]);
    await tat().RunCommand({ Content: content, InstanceIds: [online], CommandName: 'cvm-image-pipeline.fstab-检查_1' });
  });
});

describe('DescribeAutomationAgentStatus', () => {
  it('reports Online for running instances with an agent, Offline otherwise', async () => {
    const online = await emu.admin.createInstance();
    const offline = await emu.admin.createInstance({ agentOnline: false });
    const stopped = await emu.admin.createInstance({ state: 'STOPPED' });
    const r = await tat().DescribeAutomationAgentStatus({ InstanceIds: [online, offline, stopped] });
    const byId = Object.fromEntries(r.AutomationAgentSet!.map((a) => [a.InstanceId, a.AgentStatus]));
    expect(byId).toEqual({ [online]: 'Online', [offline]: 'Offline', [stopped]: 'Offline' });
    const onlyOnline = await tat().DescribeAutomationAgentStatus({
      Filters: [{ Name: 'agent-status', Values: ['Online'] }],
    });
    expect(onlyOnline.AutomationAgentSet!.map((a) => a.InstanceId)).toEqual([online]);
  });
});
