/**
 * The guest fstab scripts, run for real with bash against a fake guest tree (GUEST_ROOT) and fake
 * findmnt/blkid/lsblk/mount on PATH that describe a guest with system disk vda and data disks vdb–vdd.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildFstabScript, parseFstabReport, type FstabScript } from '../../src/activities/guest';

const FSTAB =
  [
    '# /etc/fstab: static file system information.',
    'UUID=root-uuid\t/\text4\tdefaults\t0 1',
    '/dev/vda2 none swap sw 0 0',
    '/swapfile none swap sw 0 0',
    'proc /proc proc defaults 0 0',
    'tmpfs /tmp tmpfs defaults,size=1g 0 0',
    'UUID=data-uuid-1 /data ext4 defaults,nofail 0 2',
    '   # an indented comment',
    'LABEL=logs /logs xfs defaults 0 0',
    '/dev/vdd /backup ext4 defaults 0 0',
    '',
    'nfs-server:/export /mnt/nfs nfs defaults,_netdev 0 0',
    'UUID=gone-uuid /old ext4 defaults 0 0',
    '/data/www /srv/www none bind 0 0',
    'UUID="boot-uuid" /boot ext4 defaults 0 2',
  ].join('\n') + '\n';

const GUEST_TOOLS: Record<string, string> = {
  findmnt: `[ "$*" = "-n -o SOURCE /" ] && echo /dev/vda1`,
  blkid: `case "$*" in
  "-U root-uuid") echo /dev/vda1 ;;
  "-U boot-uuid") echo /dev/vda3 ;;
  "-U data-uuid-1") echo /dev/vdb1 ;;
  "-L logs") echo /dev/vdc ;;
  *) exit 2 ;;
esac`,
  lsblk: `case "$*" in
  "-n -o PKNAME /dev/vda1"|"-n -o PKNAME /dev/vda2"|"-n -o PKNAME /dev/vda3") echo vda ;;
  "-n -o PKNAME /dev/vdb1") echo vdb ;;
  *) echo NAME SIZE TYPE ;;
esac`,
  mount: `echo "mount $*" >> "$GUEST_ROOT/mount.log"`,
};

/** Tools that know nothing, as on a minimal guest image: the scripts must fall back to conventions. */
const NO_TOOLS: Record<string, string> = { findmnt: 'exit 1', blkid: 'exit 2', lsblk: 'exit 1', mount: 'exit 0' };

let dir: string;
function guest(tools: Record<string, string>, fstab = FSTAB) {
  const root = mkdtempSync(path.join(dir, 'guest-'));
  const bin = path.join(root, '..', `${path.basename(root)}-bin`);
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  mkdirSync(bin);
  writeFileSync(path.join(root, 'etc', 'fstab'), fstab);
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  const run = (action: FstabScript, vars: Record<string, string> = {}) =>
    execFileSync('bash', ['--norc', '--noprofile', '-c', buildFstabScript(action, { TOKEN: 'abc123', ...vars })], {
      env: { PATH: `${bin}:/usr/bin:/bin`, GUEST_ROOT: root },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
  const fstabNow = () => readFileSync(path.join(root, 'etc', 'fstab'), 'utf8');
  return { root, run, fstabNow };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cvm-fstab-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fstab classification (bash, GUEST_ROOT)', () => {
  it('finds exactly the data-disk lines, whatever their spelling', () => {
    const g = guest(GUEST_TOOLS);
    const scan = parseFstabReport(g.run('scan'));
    expect(scan.dataLines.map((l) => l.line)).toEqual([7, 9, 10, 13]);
    expect(scan.dataLines.map((l) => l.text)).toEqual([
      'UUID=data-uuid-1 /data ext4 defaults,nofail 0 2',
      'LABEL=logs /logs xfs defaults 0 0',
      '/dev/vdd /backup ext4 defaults 0 0',
      'UUID=gone-uuid /old ext4 defaults 0 0',
    ]);
    expect(scan.dataLines[0].reason).toContain('on vdb, not the system disk vda');
    expect(scan.dataLines[3].reason).toContain('cannot be resolved');
    // root, swap on vda, swap file, proc, tmpfs, nfs, bind, /boot
    expect(scan.keptLines).toBe(8);
    expect(scan.fixed).toBe(false);
    expect(g.fstabNow()).toBe(FSTAB); // scanning changes nothing
  });

  it('falls back to the usual system-disk names when the guest tools know nothing', () => {
    const g = guest(NO_TOOLS);
    const scan = parseFstabReport(g.run('scan'));
    // UUID/LABEL lines cannot be resolved: data (safe side); /dev/vda2 swap and /boot are kept.
    expect(scan.dataLines.map((l) => l.line)).toEqual([7, 9, 10, 13]);
    expect(scan.keptLines).toBe(8);
  });

  it('fix comments the data lines out with a marker and a backup; a second fix changes nothing', () => {
    const g = guest(GUEST_TOOLS);
    const first = parseFstabReport(g.run('fix'));
    expect(first.fixed).toBe(true);
    expect(first.dataLines).toHaveLength(4);
    const fixed = g.fstabNow();
    const lines = fixed.split('\n');
    for (const n of [7, 9, 10, 13]) expect(lines[n - 1]).toMatch(/^#cvm-image-pipeline:abc123# /);
    expect(lines[1]).toBe('UUID=root-uuid\t/\text4\tdefaults\t0 1');
    expect(readFileSync(path.join(g.root, 'etc', 'fstab.cvm-image-pipeline.abc123.bak'), 'utf8')).toBe(FSTAB);
    // After the fix a scan finds no active data lines, but reports the run's commented ones.
    const rescan = parseFstabReport(g.run('scan'));
    expect(rescan.fixed).toBe(true);
    expect(rescan.dataLines.map((l) => l.text)).toEqual(first.dataLines.map((l) => l.text));
    const second = parseFstabReport(g.run('fix'));
    expect(second.dataLines.map((l) => l.line)).toEqual([7, 9, 10, 13]);
    expect(g.fstabNow()).toBe(fixed);
  });

  it('restore puts the original back byte for byte, keeps other edits, and is a no-op when repeated', () => {
    const g = guest(GUEST_TOOLS);
    g.run('fix');
    writeFileSync(path.join(g.root, 'etc', 'fstab'), g.fstabNow() + '# added by the operator meanwhile\n');
    expect(g.run('restore')).toContain('RESTORED\t4');
    expect(g.fstabNow()).toBe(FSTAB + '# added by the operator meanwhile\n');
    expect(existsSync(path.join(g.root, 'etc', 'fstab.cvm-image-pipeline.abc123.bak'))).toBe(false);
    expect(g.run('restore')).toContain('RESTORED\t0');
    expect(g.fstabNow()).toBe(FSTAB + '# added by the operator meanwhile\n');
  });

  it('restore only touches this run’s marker', () => {
    const g = guest(GUEST_TOOLS);
    g.run('fix', { TOKEN: 'other-run' });
    const afterOther = g.fstabNow();
    expect(g.run('restore')).toContain('RESTORED\t0');
    expect(g.fstabNow()).toBe(afterOther);
  });

  it('a fstab without data lines is left alone', () => {
    const plain = 'UUID=root-uuid / ext4 defaults 0 1\nproc /proc proc defaults 0 0\n';
    const g = guest(GUEST_TOOLS, plain);
    const scan = parseFstabReport(g.run('fix'));
    expect(scan).toEqual({ dataLines: [], keptLines: 2, fixed: false });
    expect(g.fstabNow()).toBe(plain);
    expect(existsSync(path.join(g.root, 'etc', 'fstab.cvm-image-pipeline.abc123.bak'))).toBe(false);
  });

  it('apply on a launched instance replaces the commented copies with nofail lines and mounts them', () => {
    const source = guest(GUEST_TOOLS);
    const { dataLines } = parseFstabReport(source.run('fix'));
    const launched = guest(GUEST_TOOLS, source.fstabNow()); // the image carries the fixed fstab
    const b64 = Buffer.from(dataLines.map((l) => l.text).join('\n')).toString('base64');
    const out = launched.run('apply', { LINES_B64: b64 });
    expect(out).toContain('ADDED\t4');
    expect(out).toContain('MOUNTED\tok');
    const now = launched.fstabNow();
    expect(now).not.toContain('#cvm-image-pipeline:abc123#');
    expect(now).toContain('UUID=data-uuid-1\t/data\text4\tdefaults,nofail\t0 2');
    expect(now).toContain('LABEL=logs\t/logs\txfs\tdefaults,nofail\t0 0');
    expect(now).toContain('/dev/vdd\t/backup\text4\tdefaults,nofail\t0 0');
    expect(now.split('\n').filter((l) => l.includes('defaults,nofail,nofail'))).toEqual([]);
    expect(existsSync(path.join(launched.root, 'data'))).toBe(true);
    expect(readFileSync(path.join(launched.root, 'mount.log'), 'utf8')).toContain('mount -a');
    // Again: nothing added twice.
    expect(launched.run('apply', { LINES_B64: b64 })).toContain('ADDED\t0');
    expect(launched.fstabNow()).toBe(now);
  });
});
