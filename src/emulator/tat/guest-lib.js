// Shared by the guest tool stand-ins (see guest-tools.js): the emulated disks, /etc/fstab and the mount table.
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

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
 * `/../../tmp/x` is `/tmp/x` and path.join(guestRoot, it) never leads outside the guest tree.
 */
const guestPath = (p) => path.posix.resolve('/', p);

const hasFs = (d) => d.fsUuid !== '';
const partition = (d) => (d.usage === 'SYSTEM_DISK' ? `${d.device}1` : d.device);
const mountable = (e) => e.fstype !== 'swap' && e.target !== 'none' && !PSEUDO.includes(e.fstype);

/**
 * The guest one tool call sees, from its context rather than process globals: the same code answers in the
 * emulator's own process (guest-endpoint.ts) and in a node started by a fallback shim.
 * @param {{guestRoot: string, disksFile: string}} ctx
 */
function guestLib({ guestRoot, disksFile }) {
  const root = guestRoot || '/nonexistent-guest-root';
  const mountsFile = path.join(root, 'run', 'emulator-mounts.json');
  let disksRead;

  /** @returns {{device: string, fsUuid: string, fsLabel: string, sizeGb: number, usage: string}[]} */
  function disks() {
    // Written by the runner before the command starts and never changed while it runs: read once per call.
    if (!disksRead) {
      try {
        disksRead = JSON.parse(fs.readFileSync(disksFile || '', 'utf8'));
      } catch {
        disksRead = [];
      }
    }
    return disksRead;
  }

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
      text = fs.readFileSync(path.join(root, 'etc', 'fstab'), 'utf8');
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

  /** The mount table; on first use after a boot it is what systemd mounted from /etc/fstab. */
  function readMounts() {
    try {
      return JSON.parse(fs.readFileSync(mountsFile, 'utf8'));
    } catch {
      const booted = [];
      for (const e of fstab().filter(mountable)) {
        if (e.options.includes('noauto')) continue;
        const d = resolve(e.source);
        if (d && hasFs(d))
          booted.push({ source: partition(d), target: e.target, fstype: e.fstype === 'auto' ? 'ext4' : e.fstype });
      }
      if (!booted.some((m) => m.target === '/')) {
        const sys = disks().find((d) => d.usage === 'SYSTEM_DISK');
        if (sys) booted.unshift({ source: partition(sys), target: '/', fstype: 'ext4' });
      }
      writeMounts(booted);
      return booted;
    }
  }

  function writeMounts(list) {
    fs.mkdirSync(path.dirname(mountsFile), { recursive: true });
    fs.writeFileSync(mountsFile, JSON.stringify(list, null, 2));
  }

  /** A guest path (absolute, canonical) on this machine. */
  const hostPath = (target) => path.join(root, target);

  return { disks, resolve, fstab, readMounts, writeMounts, hostPath };
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

module.exports = { guestLib, guestPath, hasFs, partition, mountable, parseFlags };
