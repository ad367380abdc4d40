/* global process */
// Shared by the guest tool stand-ins (see guest-tools.js): the emulated disks, /etc/fstab and the mount table.
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const GUEST_ROOT = process.env.GUEST_ROOT || '/nonexistent-guest-root';
const MOUNTS_FILE = path.join(GUEST_ROOT, 'run', 'emulator-mounts.json');
const PSEUDO = [
  'proc',
  'sysfs',
  'tmpfs',
  'devtmpfs',
  'devpts',
  'cgroup',
  'cgroup2',
  'securityfs',
  'debugfs',
  'nfs',
  'nfs4',
  'cifs',
];

/**
 * A guest path made canonical as the guest's kernel would: `..` stops at the guest's `/` (as in any root), so
 * `/../../tmp/x` is `/tmp/x` and path.join(GUEST_ROOT, it) never leads outside the guest tree.
 */
const guestPath = (p) => path.posix.resolve('/', p);

/** @returns {{device: string, fsUuid: string, fsLabel: string, sizeGb: number, usage: string}[]} */
function disks() {
  try {
    return JSON.parse(fs.readFileSync(process.env.EMULATOR_DISKS_FILE || '', 'utf8'));
  } catch {
    return [];
  }
}

const hasFs = (d) => d.fsUuid !== '';
const partition = (d) => (d.usage === 'SYSTEM_DISK' ? `${d.device}1` : d.device);

/** Finds the disk an fstab/mount source names: /dev/vdX[N], UUID=, LABEL=, /dev/disk/by-uuid|by-label/. */
function resolve(spec) {
  const unq = (s) => s.replace(/^"(.*)"$/, '$1');
  const all = disks();
  if (spec.startsWith('UUID=')) return all.find((d) => hasFs(d) && d.fsUuid === unq(spec.slice(5)));
  if (spec.startsWith('LABEL='))
    return all.find((d) => hasFs(d) && d.fsLabel !== '' && d.fsLabel === unq(spec.slice(6)));
  if (spec.startsWith('/dev/disk/by-uuid/')) return all.find((d) => hasFs(d) && d.fsUuid === spec.slice(18));
  if (spec.startsWith('/dev/disk/by-label/')) return all.find((d) => hasFs(d) && d.fsLabel === spec.slice(19));
  const m = /^(\/dev\/[a-z]+?)(\d*)$/.exec(spec);
  return m ? all.find((d) => d.device === m[1]) : undefined;
}

function fstab() {
  let text = '';
  try {
    text = fs.readFileSync(path.join(GUEST_ROOT, 'etc', 'fstab'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [source, target = '', fstype = 'auto', options = 'defaults'] = l.split(/\s+/);
      return {
        source,
        target: target.startsWith('/') ? guestPath(target) : target,
        fstype,
        options: options.split(','),
      };
    });
}

const mountable = (e) => e.fstype !== 'swap' && e.target !== 'none' && !PSEUDO.includes(e.fstype);

/** The mount table; on first use after a boot it is what systemd mounted from /etc/fstab. */
function readMounts() {
  try {
    return JSON.parse(fs.readFileSync(MOUNTS_FILE, 'utf8'));
  } catch {
    const booted = [];
    for (const e of fstab().filter(mountable)) {
      if (e.options.includes('noauto')) continue;
      const d = resolve(e.source);
      if (d && hasFs(d))
        booted.push({ source: partition(d), target: e.target, fstype: e.fstype === 'auto' ? 'ext4' : e.fstype });
    }
    if (!booted.some((m) => m.target === '/')) {
      const root = disks().find((d) => d.usage === 'SYSTEM_DISK');
      if (root) booted.unshift({ source: partition(root), target: '/', fstype: 'ext4' });
    }
    writeMounts(booted);
    return booted;
  }
}

function writeMounts(list) {
  fs.mkdirSync(path.dirname(MOUNTS_FILE), { recursive: true });
  fs.writeFileSync(MOUNTS_FILE, JSON.stringify(list, null, 2));
}

function parseFlags(args, withValue) {
  const flags = {};
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (withValue.includes(a)) flags[a] = args[++i];
    else if (a.startsWith('--') && a.includes('=')) flags[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
    else if (a.startsWith('-')) flags[a] = true;
    else rest.push(a);
  }
  return { flags, rest };
}

module.exports = {
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
};
