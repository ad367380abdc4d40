/* global process */
// Plain CommonJS without a transpiler: the fallback shims run it with node (see `main` below), hence require().
/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Stand-ins for mount, umount, blkid, lsblk and findmnt inside emulated TAT commands. They answer from the
 * instance's emulated disks (the runner's disks file) and keep the mount table inside the guest tree
 * (<guest root>/run/emulator-mounts.json), so guest scripts run unchanged and never touch this machine's mounts.
 * `runTool` answers one call from its context alone: the emulator serves it in-process (guest-endpoint.ts);
 * where bash has no /dev/tcp to reach it, the shims exec `node guest-tools.js <tool> args…` (runner.ts).
 */
'use strict';
const fs = require('node:fs');
const { guestLib, guestPath, hasFs, partition, mountable, parseFlags } = require('./guest-lib.js');

function mountOne(g, io, source, mountPoint, fstype) {
  const target = guestPath(mountPoint);
  const d = g.resolve(source);
  if (!d) {
    io.err(`mount: ${target}: special device ${source} does not exist.`);
    return 32;
  }
  if (!hasFs(d)) {
    io.err(
      `mount: ${target}: wrong fs type, bad option, bad superblock on ${d.device}, missing codepage or helper program, or other error.`,
    );
    return 32;
  }
  const list = g.readMounts();
  if (list.some((m) => m.target === target)) return 0;
  fs.mkdirSync(g.hostPath(target), { recursive: true });
  list.push({ source: partition(d), target, fstype: fstype && fstype !== 'auto' ? fstype : 'ext4' });
  g.writeMounts(list);
  return 0;
}

function mount(g, io, args) {
  const { flags, rest } = parseFlags(args, ['-t', '-o', '-O', '-L', '-U']);
  if (flags['-a']) {
    let code = 0;
    const mounted = g.readMounts();
    for (const e of g.fstab().filter(mountable)) {
      if (e.options.includes('noauto') || mounted.some((m) => m.target === e.target)) continue;
      const d = g.resolve(e.source);
      if ((!d || !hasFs(d)) && e.options.includes('nofail')) continue;
      code = mountOne(g, io, e.source, e.target, e.fstype) || code;
    }
    return code;
  }
  if (rest.length === 0) {
    for (const m of g.readMounts()) io.out(`${m.source} on ${m.target} type ${m.fstype} (rw,relatime)`);
    return 0;
  }
  if (rest.length === 1) {
    const e = g.fstab().find((x) => x.target === rest[0] || x.source === rest[0]);
    if (!e) {
      io.err(`mount: ${rest[0]}: can't find in /etc/fstab.`);
      return 1;
    }
    return mountOne(g, io, e.source, e.target, e.fstype);
  }
  return mountOne(g, io, rest[0], rest[1], flags['-t']);
}

function umount(g, io, args) {
  const { rest } = parseFlags(args, ['-t', '-O']);
  if (rest.length === 0) {
    io.err('umount: bad usage');
    return 1;
  }
  let code = 0;
  for (const what of rest) {
    const list = g.readMounts();
    const d = g.resolve(what);
    const at = what.startsWith('/') ? guestPath(what) : what;
    const idx = list.findIndex((m) => m.target === at || m.source === what || (d && m.source === partition(d)));
    if (idx < 0) {
      io.err(`umount: ${what}: not mounted.`);
      code = 32;
      continue;
    }
    list.splice(idx, 1);
    g.writeMounts(list);
  }
  return code;
}

function blkid(g, io, args) {
  const { flags, rest } = parseFlags(args, ['-o', '-s', '-U', '-L', '-t']);
  const withFs = g.disks().filter(hasFs);
  if (flags['-U'] || flags['-L']) {
    const d = g.resolve(flags['-U'] ? `UUID=${flags['-U']}` : `LABEL=${flags['-L']}`);
    if (!d) return 2;
    io.out(partition(d));
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
    if (flags['-o'] === 'device') io.out(partition(d));
    else if (flags['-o'] === 'value') wanted.forEach((k) => tags[k] !== undefined && io.out(tags[k]));
    else if (flags['-o'] === 'export') {
      io.out(`DEVNAME=${partition(d)}`);
      wanted.forEach((k) => tags[k] !== undefined && io.out(`${k}=${tags[k]}`));
    } else io.out(`${partition(d)}: ${wanted.map((k) => `${k}="${tags[k] ?? ''}"`).join(' ')}`);
  }
  return 0;
}

/** Block devices as lsblk sees them: the system disk vda with its root partition vda1; data disks whole. */
function blockDevices(g) {
  const mounts = g.readMounts();
  const mp = (dev) =>
    mounts
      .filter((m) => m.source === dev)
      .map((m) => m.target)
      .join(',');
  const out = [];
  for (const d of g.disks()) {
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

function lsblk(g, io, args) {
  const { flags, rest } = parseFlags(args, ['-o']);
  const cols = flags['-o']
    ? String(flags['-o']).toUpperCase().split(',')
    : flags['-f']
      ? ['NAME', 'FSTYPE', 'LABEL', 'UUID', 'MOUNTPOINTS']
      : ['NAME', 'SIZE', 'TYPE', 'MOUNTPOINTS'];
  let rows = blockDevices(g);
  if (rest.length) {
    const missing = rest.find((r) => !rows.some((row) => row.PATH === r));
    if (missing) {
      io.err(`lsblk: ${missing}: not a block device`);
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
  for (const l of lines) io.out(l.join(' ').trimEnd());
  return 0;
}

function findmnt(g, io, args) {
  const { flags, rest } = parseFlags(args, ['-o', '-t', '-S', '-T', '--target', '--source']);
  if (flags['--verify']) {
    let errors = 0;
    for (const e of g.fstab().filter(mountable)) {
      const d = g.resolve(e.source);
      if (!d) {
        io.out(`${e.target}\n   [E] unreachable source: ${e.source}: No such file or directory`);
        errors++;
      } else if (!hasFs(d)) {
        io.out(`${e.target}\n   [E] cannot detect on-disk filesystem type`);
        errors++;
      }
    }
    io.out(errors ? `\n${errors} parse errors, 0 errors, 0 warnings` : 'Success, no errors or warnings detected');
    return errors ? 1 : 0;
  }
  const list =
    flags['-s'] || flags['--fstab'] ? g.fstab().map((e) => ({ ...e, options: e.options.join(',') })) : g.readMounts();
  const target = rest[0] || flags['-T'] || flags['--target'];
  const source = flags['-S'] || flags['--source'];
  const shown = list.filter((m) => (!target || m.target === target) && (!source || m.source === source));
  if (shown.length === 0) return 1;
  const cols = flags['-o'] ? String(flags['-o']).toUpperCase().split(',') : ['TARGET', 'SOURCE', 'FSTYPE', 'OPTIONS'];
  if (!flags['-n']) io.out(cols.join(' '));
  for (const m of shown) {
    const v = { TARGET: m.target, SOURCE: m.source, FSTYPE: m.fstype, OPTIONS: m.options || 'rw,relatime' };
    io.out(cols.map((c) => v[c] ?? '').join(' '));
  }
  return 0;
}

const TOOLS = { mount, umount, blkid, lsblk, findmnt };

/**
 * One tool call: what it writes (in order, fd 1 or 2) and its exit code. Reads no process globals.
 * @param {string} tool
 * @param {string[]} args
 * @param {{guestRoot: string, disksFile: string}} ctx
 * @returns {{code: number, output: {fd: 1 | 2, text: string}[]}}
 */
function runTool(tool, args, ctx) {
  const output = [];
  const io = {
    out: (line) => output.push({ fd: 1, text: `${line}\n` }),
    err: (line) => output.push({ fd: 2, text: `${line}\n` }),
  };
  if (!Object.hasOwn(TOOLS, tool)) {
    io.err(`guest-tools: unknown tool ${tool}`);
    return { code: 1, output };
  }
  try {
    return { code: TOOLS[tool](guestLib(ctx), io, args) & 255, output };
  } catch (err) {
    io.err(`${tool}: ${err instanceof Error ? err.message : String(err)}`);
    return { code: 1, output };
  }
}

/** The fallback shim's entry point: `node guest-tools.js <tool> args…`, context from the environment. */
function main() {
  const [tool, ...args] = process.argv.slice(2);
  const ctx = { guestRoot: process.env.GUEST_ROOT || '', disksFile: process.env.EMULATOR_DISKS_FILE || '' };
  const { code, output } = runTool(tool, args, ctx);
  for (const { fd, text } of output) (fd === 1 ? process.stdout : process.stderr).write(text);
  process.exitCode = code;
}

if (require.main === module) main();

module.exports = { runTool };
