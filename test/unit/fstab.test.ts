/**
 * The guest fstab scripts, run for real with bash against a fake guest tree (GUEST_ROOT) and fake
 * findmnt/blkid/lsblk/mount on PATH that describe a guest with system disk vda and data disks vdb–vdd.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildFstabScript, parseFstabReport, type FstabScript } from '../../src/activities/guest';
import { redactSecrets } from '../../src/activities/tat';

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

/** TaskResult.Output keeps at most 24 KB (tat_models.d.ts); the emulator's runner cuts there too. */
const TAT_OUTPUT_CAP = 24 * 1024;
const BACKUP = 'fstab.cvm-image-pipeline.abc123.bak';

let dir: string;
function guest(tools: Record<string, string>, fstab: string | Buffer = FSTAB) {
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
  const fstabBytes = () => readFileSync(path.join(root, 'etc', 'fstab'));
  /** What the pipeline sees: the report as TAT returns it (at most 24 KB kept, the rest counted as Dropped). */
  const report = (action: FstabScript, vars: Record<string, string> = {}) => {
    const out = Buffer.from(run(action, vars), 'utf8');
    return parseFstabReport(out.subarray(0, TAT_OUTPUT_CAP).toString('utf8'), Math.max(0, out.length - TAT_OUTPUT_CAP));
  };
  return { root, run, fstabNow, fstabBytes, report };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cvm-fstab-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fstab classification (bash, GUEST_ROOT)', () => {
  it('finds exactly the data-disk lines, whatever their spelling', () => {
    const g = guest(GUEST_TOOLS);
    const scan = g.report('scan');
    // The bind mount /data/www lives on the data disk mounted at /data: it goes with it.
    expect(scan.dataLines.map((l) => l.line)).toEqual([7, 9, 10, 13, 14]);
    expect(scan.dataLineCount).toBe(5);
    expect(scan.dataLines.map((l) => l.text)).toEqual([
      'UUID=data-uuid-1 /data ext4 defaults,nofail',
      'LABEL=logs /logs xfs defaults',
      '/dev/vdd /backup ext4 defaults',
      'UUID=gone-uuid /old ext4 defaults',
      '/data/www /srv/www none bind',
    ]);
    expect(scan.dataLines[0].reason).toContain('on vdb, not the system disk vda');
    expect(scan.dataLines[3].reason).toContain('cannot be resolved');
    expect(scan.dataLines[4].reason).toContain('bind mount of a path on the data-disk mount point of line 7');
    // root, swap on vda, swap file, proc, tmpfs, nfs, /boot
    expect(scan.keptLines).toBe(7);
    expect(scan.fixed).toBe(false);
    expect(g.fstabNow()).toBe(FSTAB); // scanning changes nothing
  });

  it('falls back to the usual system-disk names when the guest tools know nothing', () => {
    const g = guest(NO_TOOLS);
    const scan = g.report('scan');
    // UUID/LABEL lines cannot be resolved: data (safe side); /dev/vda2 swap and /boot are kept.
    expect(scan.dataLines.map((l) => l.line)).toEqual([7, 9, 10, 13, 14]);
    expect(scan.keptLines).toBe(7);
  });

  it('fix comments the data lines out behind a marker, leaves no backup on the disk; a second fix changes nothing', () => {
    const g = guest(GUEST_TOOLS);
    const first = g.report('fix');
    expect(first.fixed).toBe(true);
    expect(first.dataLines).toHaveLength(5);
    const fixed = g.fstabNow();
    const lines = fixed.split('\n');
    for (const n of [7, 9, 10, 13, 14]) expect(lines[n - 1]).toMatch(/^#cvm-image-pipeline:abc123# /);
    expect(lines[1]).toBe('UUID=root-uuid\t/\text4\tdefaults\t0 1');
    // Nothing beside /etc/fstab: whatever is on the disk is imaged with it (#19 item 6).
    expect(readdirSync(path.join(g.root, 'etc'))).toEqual(['fstab']);
    // After the fix a scan finds no active data lines, but reports the run's commented ones.
    const rescan = g.report('scan');
    expect(rescan.fixed).toBe(true);
    expect(rescan.dataLines.map((l) => l.text)).toEqual(first.dataLines.map((l) => l.text));
    const second = g.report('fix');
    expect(second.dataLines.map((l) => l.line)).toEqual([7, 9, 10, 13, 14]);
    expect(g.fstabNow()).toBe(fixed);
  });

  it('restore puts the original back byte for byte, keeps other edits, and is a no-op when repeated', () => {
    const g = guest(GUEST_TOOLS);
    g.run('fix');
    writeFileSync(path.join(g.root, 'etc', 'fstab'), g.fstabNow() + '# added by the operator meanwhile\n');
    expect(g.run('restore')).toContain('RESTORED\t5');
    expect(g.fstabNow()).toBe(FSTAB + '# added by the operator meanwhile\n');
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
    const scan = g.report('fix');
    expect(scan).toEqual({ dataLines: [], keptLines: 2, fixed: false, dataLineCount: 0 });
    expect(g.fstabNow()).toBe(plain);
    expect(readdirSync(path.join(g.root, 'etc'))).toEqual(['fstab']);
  });

  it('apply on a launched instance replaces the commented copies with nofail lines and mounts them', () => {
    const source = guest(GUEST_TOOLS);
    source.run('fix');
    const launched = guest(GUEST_TOOLS, source.fstabNow()); // the image carries the fixed fstab
    const out = launched.run('apply');
    expect(out).toContain('ADDED\t5');
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
    expect(launched.run('apply')).toContain('ADDED\t0');
    expect(launched.fstabNow()).toBe(now);
  });
});

/** A script's exit status and output, for the cases where it must refuse. */
function attempt(g: ReturnType<typeof guest>, action: FstabScript, vars: Record<string, string> = {}) {
  try {
    return { status: 0, out: g.run(action, vars) };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { status: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

describe('fstab scripts: bounded output, any byte, byte-identical restore, no secrets (#19 items 2, 6; #13 items 8, 10)', () => {
  const DATA = 'UUID=data-uuid-1 /data ext4 defaults 0 2';
  const nfs = (i: number) =>
    `nfs-server-${i}.example.internal:/exports/share-${i} /mnt/nfs-${i} nfs rw,hard,_netdev 0 0`;
  const manyNfs =
    ['UUID=root-uuid / ext4 defaults 0 1', ...Array.from({ length: 300 }, (_, i) => nfs(i)), DATA].join('\n') + '\n';

  it('300 NFS lines before the data line: the report stays under TAT’s cap and still names it (scan, fix, restore)', () => {
    const g = guest(GUEST_TOOLS, manyNfs);
    expect(Buffer.byteLength(g.run('scan'))).toBeLessThan(18 * 1024);
    const scan = g.report('scan');
    expect(scan.dataLineCount).toBe(1);
    expect(scan.dataLines.map((l) => l.line)).toEqual([302]);
    expect(scan.keptLines).toBe(301);
    const fix = g.report('fix');
    expect(fix.dataLines.map((l) => l.line)).toEqual([302]);
    expect(g.fstabNow().split('\n')[301]).toBe(`#cvm-image-pipeline:abc123# ${DATA}`);
    expect(g.run('restore')).toContain('RESTORED\t1');
    expect(g.fstabNow()).toBe(manyNfs);
  });

  it('many data lines: the count is exact, the rows bounded, and every line is commented out', () => {
    const lines = ['UUID=root-uuid / ext4 defaults 0 1'];
    for (let i = 0; i < 60; i++) lines.push(`/dev/vdb${i + 1} /mnt/d${i} ext4 defaults 0 0`);
    const text = lines.join('\n') + '\n';
    const g = guest(GUEST_TOOLS, text);
    const fix = g.report('fix');
    expect(fix.dataLineCount).toBe(60);
    expect(fix.dataLines).toHaveLength(40);
    expect(
      g
        .fstabNow()
        .split('\n')
        .filter((l) => l.startsWith('#cvm-image-pipeline:abc123# ')),
    ).toHaveLength(60);
    g.run('restore');
    expect(g.fstabNow()).toBe(text);
  });

  it('a report TAT cut short, or without its END line, is refused rather than read as "no data lines"', () => {
    expect(() => parseFstabReport('COUNT\t0\t3\t0\nEND\n', 120)).toThrow(/incomplete.*dropped 120 bytes/);
    expect(() => parseFstabReport('DATA\t7\tr\tt\n')).toThrow(/incomplete/);
    expect(parseFstabReport('COUNT\t0\t3\t0\nEND\n')).toEqual({
      dataLines: [],
      keptLines: 3,
      fixed: false,
      dataLineCount: 0,
    });
  });

  it('a Latin-1 byte in a data line: found, commented out, and restored byte for byte', () => {
    const bytes = Buffer.concat([
      Buffer.from('UUID=root-uuid / ext4 defaults 0 1\n# caf'),
      Buffer.from([0xe9]),
      Buffer.from(' comment\nLABEL=logs /logs-'),
      Buffer.from([0xe9]),
      Buffer.from(' xfs defaults 0 0\n'),
    ]);
    const g = guest(GUEST_TOOLS, bytes);
    const scan = g.report('scan');
    expect(scan.dataLines.map((l) => l.line)).toEqual([3]);
    expect(scan.dataLines[0].text).toBe('LABEL=logs /logs-? xfs defaults'); // printable ASCII only
    const fix = g.report('fix');
    expect(fix.dataLineCount).toBe(1);
    expect(g.fstabBytes().includes(Buffer.from('#cvm-image-pipeline:abc123# LABEL=logs /logs-'))).toBe(true);
    expect(g.run('restore')).toContain('RESTORED\t1');
    expect(g.fstabBytes().equals(bytes)).toBe(true);
  });

  it('a fstab without a final newline stays without one after fix and restore', () => {
    const text = `UUID=root-uuid / ext4 defaults 0 1\n${DATA}`;
    const g = guest(GUEST_TOOLS, text);
    g.run('fix');
    expect(g.fstabNow()).toBe(`UUID=root-uuid / ext4 defaults 0 1\n#cvm-image-pipeline:abc123# ${DATA}`);
    g.run('restore');
    expect(g.fstabNow()).toBe(text);
  });

  it('restore reads what an older release left: its marker, and removes its backup file', () => {
    const g = guest(GUEST_TOOLS, `UUID=root-uuid / ext4 defaults 0 1\n#cvm-image-pipeline:abc123# ${DATA}\n`);
    writeFileSync(path.join(g.root, 'etc', BACKUP), `UUID=root-uuid / ext4 defaults 0 1\n${DATA}\n`);
    expect(g.run('restore')).toContain('RESTORED\t1');
    expect(g.fstabNow()).toBe(`UUID=root-uuid / ext4 defaults 0 1\n${DATA}\n`);
    expect(existsSync(path.join(g.root, 'etc', BACKUP))).toBe(false);
  });

  it('restore of an older release’s fix gives back a fstab without final newline byte for byte (its backup tells)', () => {
    // The old fix's awk added the newline; its backup holds the original.
    const g = guest(GUEST_TOOLS, `UUID=root-uuid / ext4 defaults 0 1\n#cvm-image-pipeline:abc123# ${DATA}\n`);
    writeFileSync(path.join(g.root, 'etc', BACKUP), `UUID=root-uuid / ext4 defaults 0 1\n${DATA}`);
    g.run('restore');
    expect(g.fstabNow()).toBe(`UUID=root-uuid / ext4 defaults 0 1\n${DATA}`);
    expect(existsSync(path.join(g.root, 'etc', BACKUP))).toBe(false);
  });

  it('never prints an fstab line verbatim: option values (CIFS password=, credentials=) stay on the guest', () => {
    const text = [
      'UUID=root-uuid / ext4 defaults 0 1',
      '//files/share /mnt/share cifs username=svc,password=Hunter2-secret,vers=3.0 0 0',
      '/dev/vdd /backup ext4 defaults,user_xattr,credentials=/root/.Hunter2-file 0 0',
    ].join('\n');
    const g = guest(GUEST_TOOLS, text);
    for (const action of ['scan', 'fix', 'restore', 'fix'] as const) {
      const out = g.run(action);
      expect(out).not.toContain('Hunter2');
    }
    expect(g.report('scan').dataLines.map((l) => l.text)).toEqual([
      '/dev/vdd /backup ext4 defaults,user_xattr,credentials=*',
    ]);
  });

  it('refuses (exit 3, a clear message, nothing changed) when it cannot read the file reliably', () => {
    const bytes = Buffer.from(`UUID=root-uuid / ext4 defaults 0 1\n${DATA}\0\n`);
    const g = guest(GUEST_TOOLS, bytes);
    const res = attempt(g, 'fix');
    expect(res.status).toBe(3);
    expect(res.out).toContain('refusing: /etc/fstab contains NUL bytes');
    expect(g.fstabBytes().equals(bytes)).toBe(true);
  });
});

describe('fstab classification edge cases (#13 item 10)', () => {
  it('bind mounts from a data disk go with it, also chained; binds of root-filesystem paths stay', () => {
    const text =
      [
        'UUID=root-uuid / ext4 defaults 0 1',
        '/dev/vdd /backup ext4 defaults 0 0',
        '/backup/a /srv/a none bind 0 0',
        '/srv/a/b /srv/b none rbind,ro 0 0',
        '/var/lib/app /srv/app none bind 0 0',
        '/backupx /srv/x none bind 0 0',
      ].join('\n') + '\n';
    const g = guest(GUEST_TOOLS, text);
    const scan = g.report('scan');
    expect(scan.dataLines.map((l) => l.line)).toEqual([2, 3, 4]);
    expect(scan.keptLines).toBe(3);
  });

  const LVM_TOOLS: Record<string, string> = {
    findmnt: `[ "$*" = "-n -o SOURCE /" ] && echo /dev/mapper/vg0-root`,
    blkid: `case "$*" in
  "-U boot-uuid") echo /dev/vda1 ;;
  "-U data-uuid-1") echo /dev/vdb1 ;;
  *) exit 2 ;;
esac`,
    lsblk: `case "$*" in
  "-n -o PKNAME /dev/mapper/vg0-root"|"-n -o PKNAME /dev/mapper/vg0-swap"|"-n -o PKNAME /dev/mapper/vg0-home") echo vda2 ;;
  "-n -o PKNAME /dev/vda1"|"-n -o PKNAME /dev/vda2") echo vda ;;
  "-n -o PKNAME /dev/mapper/data-vol") echo vdb ;;
  "-n -o PKNAME /dev/vdb1") echo vdb ;;
  "-n -o PKNAME /dev/vda"|"-n -o PKNAME /dev/vdb") echo ;;
  *) exit 32 ;;
esac`,
    mount: 'exit 0',
  };

  it('with an LVM root, /boot and the root volume group stay; a data disk (also as LVM) is data', () => {
    const text =
      [
        '/dev/mapper/vg0-root / xfs defaults 0 0',
        'UUID=boot-uuid /boot xfs defaults 0 0',
        '/dev/mapper/vg0-home /home xfs defaults 0 0',
        '/dev/mapper/vg0-swap none swap defaults 0 0',
        'UUID=data-uuid-1 /data ext4 defaults 0 0',
        '/dev/mapper/data-vol /srv ext4 defaults 0 0',
      ].join('\n') + '\n';
    const g = guest(LVM_TOOLS, text);
    const scan = g.report('scan');
    expect(scan.dataLines.map((l) => [l.line, l.reason])).toEqual([
      [5, 'on vdb, not the system disk vda'],
      [6, 'on vdb, not the system disk vda'],
    ]);
    expect(scan.keptLines).toBe(4);
  });
});

describe('fstab nofail mode: images that include the data disks (#13 item 7)', () => {
  it('keeps the data lines active with nofail, and restore gives back the original byte for byte', () => {
    const text = [
      'UUID=root-uuid / ext4 defaults 0 1',
      'UUID=data-uuid-1  /data  ext4  defaults  0  2',
      '/dev/vdd /backup ext4 defaults,nofail 0 0',
      'LABEL=logs /logs xfs',
    ].join('\n');
    const g = guest(GUEST_TOOLS, text);
    const fix = g.report('fix', { FIX_MODE: 'nofail' });
    expect(fix.dataLineCount).toBe(3);
    expect(g.fstabNow()).toBe(
      [
        'UUID=root-uuid / ext4 defaults 0 1',
        '#cvm-image-pipeline:abc123:nofail# UUID=data-uuid-1  /data  ext4  defaults  0  2',
        'UUID=data-uuid-1 /data ext4 defaults,nofail 0 2',
        '/dev/vdd /backup ext4 defaults,nofail 0 0', // already nofail: untouched
        '#cvm-image-pipeline:abc123:nofail# LABEL=logs /logs xfs',
        'LABEL=logs /logs xfs defaults,nofail 0 0',
      ].join('\n'),
    );
    // A repeat changes nothing; apply on a launched instance has nothing commented to put back.
    const fixed = g.fstabNow();
    expect(g.report('fix', { FIX_MODE: 'nofail' }).fixed).toBe(true);
    expect(g.fstabNow()).toBe(fixed);
    const launched = guest(GUEST_TOOLS, fixed);
    expect(launched.run('apply')).toContain('ADDED\t0');
    expect(launched.fstabNow()).toBe(fixed);
    expect(g.run('restore')).toContain('RESTORED\t2');
    expect(g.fstabNow()).toBe(text);
  });

  it('refuses to restore when the nofail line it added was edited meanwhile', () => {
    const g = guest(GUEST_TOOLS, 'UUID=root-uuid / ext4 defaults 0 1\nUUID=data-uuid-1 /data ext4 defaults 0 2\n');
    g.run('fix', { FIX_MODE: 'nofail' });
    const edited = g
      .fstabNow()
      .replace('UUID=data-uuid-1 /data ext4 defaults,nofail', 'UUID=other /elsewhere ext4 defaults');
    writeFileSync(path.join(g.root, 'etc', 'fstab'), edited);
    const res = attempt(g, 'restore');
    expect(res.status).toBe(3);
    expect(res.out).toContain('edited or removed');
    expect(g.fstabNow()).toBe(edited);
  });
});

describe('failed guest output in failure messages', () => {
  it('hides option values that look like secrets and URL credentials', () => {
    const out = redactSecrets(
      'mount error: //files/share cifs username=svc,password=Hunter2,vers=3.0 credentials=/root/c https://u:Hunter2@h/x',
    );
    expect(out).not.toContain('Hunter2');
    expect(out).not.toContain('/root/c');
    expect(out).toContain('username=***,password=***,vers=3.0');
  });
});
