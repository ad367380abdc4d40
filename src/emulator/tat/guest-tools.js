/* global process, console */
// Runs as a standalone CommonJS script under plain node (no transpiler), hence require().
/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Stand-ins for mount, umount, blkid, lsblk and findmnt inside emulated TAT commands. They answer from the
 * instance's emulated disks (EMULATOR_DISKS_FILE) and keep the mount table inside the guest tree
 * ($GUEST_ROOT/run/emulator-mounts.json), so guest scripts run unchanged and never touch this machine's mounts.
 * Plain CommonJS run by node: the shims in the emulator's bin dir exec `node guest-tools.js <tool> args…`.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const {
  GUEST_ROOT,
  guestPath,
  disks,
  hasFs,
  partition,
  resolve,
  fstab,
  mountable,
  readMounts,
  writeMounts,
  parseFlags,
} = require('./guest-lib.js');

function mountOne(source, mountPoint, fstype) {
  const target = guestPath(mountPoint);
  const d = resolve(source);
  if (!d) {
    console.error(`mount: ${target}: special device ${source} does not exist.`);
    return 32;
  }
  if (!hasFs(d)) {
    console.error(
      `mount: ${target}: wrong fs type, bad option, bad superblock on ${d.device}, missing codepage or helper program, or other error.`,
    );
    return 32;
  }
  const list = readMounts();
  if (list.some((m) => m.target === target)) return 0;
  fs.mkdirSync(path.join(GUEST_ROOT, target), { recursive: true });
  list.push({ source: partition(d), target, fstype: fstype && fstype !== 'auto' ? fstype : 'ext4' });
  writeMounts(list);
  return 0;
}

function mount(args) {
  const { flags, rest } = parseFlags(args, ['-t', '-o', '-O', '-L', '-U']);
  if (flags['-a']) {
    let code = 0;
    const mounted = readMounts();
    for (const e of fstab().filter(mountable)) {
      if (e.options.includes('noauto') || mounted.some((m) => m.target === e.target)) continue;
      const d = resolve(e.source);
      if ((!d || !hasFs(d)) && e.options.includes('nofail')) continue;
      code = mountOne(e.source, e.target, e.fstype) || code;
    }
    return code;
  }
  if (rest.length === 0) {
    for (const m of readMounts()) console.log(`${m.source} on ${m.target} type ${m.fstype} (rw,relatime)`);
    return 0;
  }
  if (rest.length === 1) {
    const e = fstab().find((x) => x.target === rest[0] || x.source === rest[0]);
    if (!e) {
      console.error(`mount: ${rest[0]}: can't find in /etc/fstab.`);
      return 1;
    }
    return mountOne(e.source, e.target, e.fstype);
  }
  return mountOne(rest[0], rest[1], flags['-t']);
}

function umount(args) {
  const { rest } = parseFlags(args, ['-t', '-O']);
  if (rest.length === 0) {
    console.error('umount: bad usage');
    return 1;
  }
  let code = 0;
  for (const what of rest) {
    const list = readMounts();
    const d = resolve(what);
    const at = what.startsWith('/') ? guestPath(what) : what;
    const idx = list.findIndex((m) => m.target === at || m.source === what || (d && m.source === partition(d)));
    if (idx < 0) {
      console.error(`umount: ${what}: not mounted.`);
      code = 32;
      continue;
    }
    list.splice(idx, 1);
    writeMounts(list);
  }
  return code;
}

function blkid(args) {
  const { flags, rest } = parseFlags(args, ['-o', '-s', '-U', '-L', '-t']);
  const withFs = disks().filter(hasFs);
  if (flags['-U'] || flags['-L']) {
    const d = resolve(flags['-U'] ? `UUID=${flags['-U']}` : `LABEL=${flags['-L']}`);
    if (!d) return 2;
    console.log(partition(d));
    return 0;
  }
  const tagsOf = (d) => {
    const tags = { UUID: d.fsUuid, TYPE: 'ext4' };
    if (d.fsLabel) tags.LABEL = d.fsLabel;
    return tags;
  };
  let selected = rest.length
    ? rest.map((r) => withFs.find((d) => d.device === r || partition(d) === r)).filter(Boolean)
    : withFs;
  if (flags['-t']) {
    const [key, value = ''] = String(flags['-t']).split('=');
    selected = selected.filter((d) => tagsOf(d)[key] === value.replace(/^"(.*)"$/, '$1'));
  }
  if (selected.length === 0) return 2;
  for (const d of selected) {
    const tags = tagsOf(d);
    const wanted = flags['-s'] ? [flags['-s']] : Object.keys(tags);
    if (flags['-o'] === 'device') console.log(partition(d));
    else if (flags['-o'] === 'value') wanted.forEach((k) => tags[k] !== undefined && console.log(tags[k]));
    else if (flags['-o'] === 'export') {
      console.log(`DEVNAME=${partition(d)}`);
      wanted.forEach((k) => tags[k] !== undefined && console.log(`${k}=${tags[k]}`));
    } else console.log(`${partition(d)}: ${wanted.map((k) => `${k}="${tags[k] ?? ''}"`).join(' ')}`);
  }
  return 0;
}

/** Block devices as lsblk sees them: the system disk vda with its root partition vda1; data disks whole. */
function blockDevices() {
  const mounts = readMounts();
  const mp = (dev) =>
    mounts
      .filter((m) => m.source === dev)
      .map((m) => m.target)
      .join(',');
  const out = [];
  for (const d of disks()) {
    const name = d.device.replace('/dev/', '');
    const isSystem = d.usage === 'SYSTEM_DISK';
    const fsOf = (own) =>
      own && hasFs(d) ? { FSTYPE: 'ext4', LABEL: d.fsLabel, UUID: d.fsUuid } : { FSTYPE: '', LABEL: '', UUID: '' };
    out.push({
      NAME: name,
      KNAME: name,
      PATH: d.device,
      PKNAME: '',
      SIZE: `${d.sizeGb}G`,
      TYPE: 'disk',
      MOUNTPOINT: isSystem ? '' : mp(d.device),
      ...fsOf(!isSystem),
      disk: d.device,
    });
    if (isSystem) {
      const part = partition(d);
      out.push({
        NAME: `${name}1`,
        KNAME: `${name}1`,
        PATH: part,
        PKNAME: name,
        SIZE: `${d.sizeGb}G`,
        TYPE: 'part',
        MOUNTPOINT: mp(part),
        ...fsOf(true),
        disk: d.device,
      });
    }
  }
  return out.map((r) => ({ ...r, MOUNTPOINTS: r.MOUNTPOINT, RM: '0', RO: '0' }));
}

function lsblk(args) {
  const { flags, rest } = parseFlags(args, ['-o']);
  const cols = flags['-o']
    ? String(flags['-o']).toUpperCase().split(',')
    : flags['-f']
      ? ['NAME', 'FSTYPE', 'LABEL', 'UUID', 'MOUNTPOINTS']
      : ['NAME', 'SIZE', 'TYPE', 'MOUNTPOINTS'];
  let rows = blockDevices();
  if (rest.length) {
    const missing = rest.find((r) => !rows.some((row) => row.PATH === r));
    if (missing) {
      console.error(`lsblk: ${missing}: not a block device`);
      return 32;
    }
    // A disk argument lists the disk and its partitions; a partition argument only itself.
    rows = rows.filter((row) =>
      rest.some((r) => row.PATH === r || (row.disk === r && !rows.some((x) => x.PATH === r && x.TYPE === 'part'))),
    );
  }
  if (flags['-d']) rows = rows.filter((r) => r.TYPE === 'disk');
  const lines = rows.map((r) => cols.map((c) => (c === 'NAME' && flags['-p'] ? r.PATH : (r[c] ?? ''))));
  if (!flags['-n']) lines.unshift(cols);
  for (const l of lines) console.log(l.join(' ').trimEnd());
  return 0;
}

function findmnt(args) {
  const { flags, rest } = parseFlags(args, ['-o', '-t', '-S', '-T', '--target', '--source']);
  if (flags['--verify']) {
    let errors = 0;
    for (const e of fstab().filter(mountable)) {
      const d = resolve(e.source);
      if (!d) {
        console.log(`${e.target}\n   [E] unreachable source: ${e.source}: No such file or directory`);
        errors++;
      } else if (!hasFs(d)) {
        console.log(`${e.target}\n   [E] cannot detect on-disk filesystem type`);
        errors++;
      }
    }
    console.log(errors ? `\n${errors} parse errors, 0 errors, 0 warnings` : 'Success, no errors or warnings detected');
    return errors ? 1 : 0;
  }
  const list =
    flags['-s'] || flags['--fstab'] ? fstab().map((e) => ({ ...e, options: e.options.join(',') })) : readMounts();
  const target = rest[0] || flags['-T'] || flags['--target'];
  const source = flags['-S'] || flags['--source'];
  const shown = list.filter((m) => (!target || m.target === target) && (!source || m.source === source));
  if (shown.length === 0) return 1;
  const cols = flags['-o'] ? String(flags['-o']).toUpperCase().split(',') : ['TARGET', 'SOURCE', 'FSTYPE', 'OPTIONS'];
  if (!flags['-n']) console.log(cols.join(' '));
  for (const m of shown) {
    const v = { TARGET: m.target, SOURCE: m.source, FSTYPE: m.fstype, OPTIONS: m.options || 'rw,relatime' };
    console.log(cols.map((c) => v[c] ?? '').join(' '));
  }
  return 0;
}

const TOOLS = { mount, umount, blkid, lsblk, findmnt };
const [tool, ...args] = process.argv.slice(2);
if (!TOOLS[tool]) {
  console.error(`guest-tools: unknown tool ${tool}`);
  process.exit(1);
}
process.exit(TOOLS[tool](args));
