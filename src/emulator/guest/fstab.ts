/**
 * The boot check: an instance whose /etc/fstab mounts a disk it does not have hangs at boot (systemd waits
 * for the device, then drops to emergency mode), so its TAT agent never comes online.
 */
export interface DiskIdentity {
  device: string; // /dev/vda, /dev/vdb…
  fsUuid: string;
  fsLabel: string;
}

export interface FstabEntry {
  line: number;
  device: string;
  mountPoint: string;
  fsType: string;
  options: string[];
}

const PSEUDO_FS = new Set([
  'proc',
  'sysfs',
  'tmpfs',
  'devtmpfs',
  'devpts',
  'cgroup',
  'cgroup2',
  'securityfs',
  'debugfs',
  'hugetlbfs',
  'mqueue',
  'configfs',
  'fusectl',
  'binfmt_misc',
  'nfs',
  'nfs4',
  'cifs',
]);

export function parseFstab(text: string): FstabEntry[] {
  const out: FstabEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [device, mountPoint = '', fsType = '', options = 'defaults'] = line.split(/\s+/);
    out.push({ line: i + 1, device, mountPoint, fsType, options: options.split(',') });
  });
  return out;
}

/** Whether the fstab device spec names one of the disks. */
export function deviceMatches(spec: string, disks: DiskIdentity[]): boolean {
  const unquote = (s: string) => s.replace(/^"(.*)"$/, '$1');
  if (spec.startsWith('UUID=')) return disks.some((d) => d.fsUuid === unquote(spec.slice(5)));
  if (spec.startsWith('LABEL=')) return disks.some((d) => d.fsLabel !== '' && d.fsLabel === unquote(spec.slice(6)));
  if (spec.startsWith('/dev/disk/by-uuid/')) return disks.some((d) => d.fsUuid === spec.slice(18));
  if (spec.startsWith('/dev/disk/by-label/')) return disks.some((d) => d.fsLabel === spec.slice(19));
  // /dev/vdb or a partition of it (/dev/vdb1); a blank disk (no filesystem) cannot be mounted either.
  const m = /^(\/dev\/[a-z]+?)(\d*)$/.exec(spec);
  return m ? disks.some((d) => d.device === m[1] && (d.fsUuid !== '' || m[1] === '/dev/vda')) : false;
}

/** The first fstab line that would hang boot on an instance with these disks, or undefined. */
export function blockingEntry(fstab: string | undefined, disks: DiskIdentity[]): FstabEntry | undefined {
  if (fstab === undefined) return undefined;
  for (const e of parseFstab(fstab)) {
    if (e.mountPoint === '/' || e.fsType === 'swap' || e.mountPoint === 'none' || e.mountPoint === 'swap') continue;
    if (PSEUDO_FS.has(e.fsType) || e.options.includes('nofail') || e.options.includes('noauto')) continue;
    if (!deviceMatches(e.device, disks)) return e;
  }
  return undefined;
}
