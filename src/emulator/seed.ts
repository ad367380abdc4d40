/** `--seed demo`: instances in ap-guangzhou that show each rule of the image procedure. */
import type { World } from './core/context';
import { createFixtureInstance } from './cvm/fixtures';

export function seedDemo(world: World): string[] {
  const dataUuid = '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
  const online = createFixtureInstance(world, {
    instanceName: 'demo-web-online',
    createdTime: '2023-06-01T08:00:00Z',
    dataDisks: [{ sizeGb: 50, fsUuid: dataUuid, fsLabel: 'data' }],
    files: {
      '/etc/fstab': [
        '# /etc/fstab: static file system information.',
        'LABEL=cloudimg-rootfs / ext4 defaults 0 1',
        '/swapfile none swap sw 0 0',
        `UUID=${dataUuid} /data ext4 defaults 0 2`,
        '',
      ].join('\n'),
      '/etc/hostname': 'demo-web-online\n',
      '/opt/app/config.yaml': 'listen: 0.0.0.0:8080\n',
      '/var/log/syslog': 'boot log that an image must not keep\n',
      '/root/.bash_history': 'history an image must not keep\n',
    },
  });
  const legacy = createFixtureInstance(world, {
    instanceName: 'demo-legacy-2017',
    createdTime: '2017-11-20T03:00:00Z',
    osName: 'CentOS 7.9 64bit',
    dataDisks: [{ sizeGb: 100, fsLabel: 'archive' }],
  });
  const plain = createFixtureInstance(world, {
    instanceName: 'demo-plain',
    createdTime: '2024-02-01T00:00:00Z',
  });
  return [online.id, legacy.id, plain.id];
}
