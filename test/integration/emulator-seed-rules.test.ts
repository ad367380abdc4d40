/**
 * The seed document's rules, end to end through the real SDK: an image keeps the guest files except
 * /var/log and .bash_history; an image whose fstab still mounts a data disk the new instance lacks
 * boots with its TAT agent offline; with the line commented out (or the disk brought along) it boots.
 */
import { errorCode, startTestEmulator, waitFor, type TestEmulator } from '../helpers/emulator';

const REGION = 'ap-guangzhou';
const ZONE = { Zone: 'ap-guangzhou-3' };
const DATA_UUID = '7d3e2f10-aaaa-4bbb-8ccc-0123456789ab';
const FSTAB = `LABEL=cloudimg-rootfs / ext4 defaults 0 1\n/swapfile none swap sw 0 0\nUUID=${DATA_UUID} /data ext4 defaults 0 2\n`;

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());
beforeEach(() => emu.admin.reset());

const cvm = () => emu.clients.cvm(REGION);
const tat = () => emu.clients.tat(REGION);

async function bake(instanceId: string, name: string, dataDiskIds?: string[]): Promise<string> {
  const { ImageId } = await cvm().CreateImage({
    ImageName: name,
    InstanceId: instanceId,
    ForcePoweroff: 'TRUE',
    DataDiskIds: dataDiskIds,
  });
  await waitFor(
    async () => (await cvm().DescribeImages({ ImageIds: [ImageId!] })).ImageSet![0].ImageState === 'NORMAL',
  );
  return ImageId!;
}

async function launch(imageId: string, extra: object = {}): Promise<string> {
  const { InstanceIdSet } = await cvm().RunInstances({ ImageId: imageId, Placement: ZONE, ...extra });
  const id = InstanceIdSet![0];
  await waitFor(
    async () => (await cvm().DescribeInstances({ InstanceIds: [id] })).InstanceSet![0].InstanceState === 'RUNNING',
  );
  return id;
}

const agentStatus = async (id: string) =>
  (await tat().DescribeAutomationAgentStatus({ InstanceIds: [id] })).AutomationAgentSet![0].AgentStatus;

function source(files: Record<string, string> = {}) {
  return emu.admin.createInstance({
    dataDisks: [{ sizeGb: 50, fsUuid: DATA_UUID, fsLabel: 'data' }],
    files: { '/etc/fstab': FSTAB, ...files },
  });
}

it('an image keeps guest files except /var/log/ and .bash_history, and new instances start from them', async () => {
  const src = await source({
    '/opt/app/config.yaml': 'port: 8080\n',
    '/var/log/syslog': 'old logs\n',
    '/var/log/nginx/access.log': 'GET /\n',
    '/root/.bash_history': 'rm -rf /tmp/x\n',
    '/home/ubuntu/.bash_history': 'ls\n',
    '/home/ubuntu/.bashrc': 'alias ll="ls -l"\n',
  });
  const imageId = await bake(src, 'files');
  const image = (await emu.admin.state()).images.find((i) => i.id === imageId)!;
  expect(Object.keys(image.files).sort()).toEqual(['/etc/fstab', '/home/ubuntu/.bashrc', '/opt/app/config.yaml']);
  const fresh = await launch(imageId, { DataDisks: [] });
  const inst = (await emu.admin.state()).instances.find((i) => i.id === fresh)!;
  expect(inst.files['/opt/app/config.yaml']).toBe('port: 8080\n');
  expect(inst.files['/var/log/syslog']).toBeUndefined();
  // The source instance itself still has everything.
  const srcFiles = (await emu.admin.state()).instances.find((i) => i.id === src)!.files;
  expect(srcFiles['/root/.bash_history']).toBe('rm -rf /tmp/x\n');
});

it('an image whose fstab mounts a missing data disk launches RUNNING with its agent offline (stuck at boot)', async () => {
  const src = await source();
  const imageId = await bake(src, 'stuck'); // system disk only, fstab untouched
  const stuck = await launch(imageId, { DataDisks: [] });
  expect(await agentStatus(stuck)).toBe('Offline');
  expect(
    await errorCode(tat().RunCommand({ Content: Buffer.from('true').toString('base64'), InstanceIds: [stuck] })),
  ).toBe('ResourceUnavailable.AgentStatusNotOnline');
  const rec = (await emu.admin.state()).instances.find((i) => i.id === stuck)!;
  expect(rec.stuckAtBoot).toContain(`UUID=${DATA_UUID}`);
});

it('a blank data disk does not satisfy a device-path fstab line either', async () => {
  const src = await emu.admin.createInstance({
    dataDisks: [{ sizeGb: 20 }],
    files: { '/etc/fstab': 'LABEL=cloudimg-rootfs / ext4 defaults 0 1\n/dev/vdb /data ext4 defaults 0 2\n' },
  });
  const imageId = await bake(src, 'blank');
  const id = await launch(imageId, { DataDisks: [{ DiskSize: 20 }] });
  expect(await agentStatus(id)).toBe('Offline');
});

it('boots normally once the data-disk line is commented out, or when the disk comes along in the image', async () => {
  const src = await source();
  const dataDisk = (await cvm().DescribeInstances({ InstanceIds: [src] })).InstanceSet![0].DataDisks![0].DiskId!;
  const whole = await bake(src, 'whole', [dataDisk]); // whole-machine image: the data disk travels with it
  // RunInstances buys no data disk unless DataDisks states it (cvm api.json): the image's snapshot is named.
  const snap = (await cvm().DescribeImages({ ImageIds: [whole] })).ImageSet![0].SnapshotSet!.find(
    (x) => x.DiskUsage === 'DATA_DISK',
  )!;
  const withDisk = await launch(whole, { DataDisks: [{ DiskSize: snap.DiskSize, SnapshotId: snap.SnapshotId }] });
  expect(await agentStatus(withDisk)).toBe('Online');

  // Comment the line out over TAT, as the pipeline does, then bake a system-disk-only image.
  await cvm().StartInstances({ InstanceIds: [src] });
  await waitFor(
    async () => (await cvm().DescribeInstances({ InstanceIds: [src] })).InstanceSet![0].InstanceState === 'RUNNING',
  );
  const { InvocationId } = await tat().RunCommand({
    Content: Buffer.from('sed -i "s|^UUID=.* /data |#&|" "${GUEST_ROOT:-}/etc/fstab"').toString('base64'),
    InstanceIds: [src],
  });
  await waitFor(async () => {
    const t = (await tat().DescribeInvocationTasks({ Filters: [{ Name: 'invocation-id', Values: [InvocationId!] }] }))
      .InvocationTaskSet![0];
    return t.TaskStatus === 'SUCCESS';
  });
  const clean = await bake(src, 'clean');
  const ok = await launch(clean, { DataDisks: [] });
  expect(await agentStatus(ok)).toBe('Online');
});

it('--seed demo loads the three demo instances in ap-guangzhou', async () => {
  const demo = await startTestEmulator({ seed: 'demo' });
  try {
    const r = await demo.clients.cvm(REGION).DescribeInstances({});
    const byName = Object.fromEntries(r.InstanceSet!.map((i) => [i.InstanceName, i]));
    expect(Object.keys(byName).sort()).toEqual(['demo-legacy-2017', 'demo-plain', 'demo-web-online']);
    expect(byName['demo-web-online'].DataDisks).toHaveLength(1);
    expect(byName['demo-legacy-2017'].CreatedTime! < '2018-07-01').toBe(true);
    expect(byName['demo-plain'].DataDisks).toEqual([]);
    const online = await demo.clients
      .cvm(REGION)
      .CreateImage({ ImageName: 'demo', InstanceId: byName['demo-web-online'].InstanceId });
    expect(online.ImageId).toMatch(/^img-/);
    expect(
      await errorCode(
        demo.clients
          .cvm(REGION)
          .CreateImage({ ImageName: 'legacy', InstanceId: byName['demo-legacy-2017'].InstanceId }),
      ),
    ).toBe('UnsupportedOperation');
  } finally {
    await demo.close();
  }
});
