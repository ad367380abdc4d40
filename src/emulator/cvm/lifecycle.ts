/**
 * Instance and disk lifecycle shared by fixtures, RunInstances and the instance actions: creating records,
 * the fstab boot check, operation locks, and what happens when a transition settles.
 */
import { randomUUID } from 'node:crypto';
import { ApiError } from '../core/errors';
import { isoSeconds, newId } from '../core/ids';
import type { World } from '../core/context';
import { blockingEntry, type DiskIdentity } from '../guest/fstab';
import type { DiskRecord, EmulatorState, InstanceRecord, InstanceState, Pending } from '../state/types';

export const DEVICES = ['/dev/vda', '/dev/vdb', '/dev/vdc', '/dev/vdd', '/dev/vde', '/dev/vdf', '/dev/vdg', '/dev/vdh'];

export interface NewDisk {
  region: string;
  zone: string;
  usage: 'SYSTEM_DISK' | 'DATA_DISK';
  sizeGb: number;
  diskType?: string;
  instanceId?: string;
  device?: string;
  fsUuid?: string;
  fsLabel?: string;
  snapshotId?: string;
  deleteWithInstance?: boolean;
  creating?: Pending<'DONE'>;
}

export function addDisk(s: EmulatorState, d: NewDisk, now: number): DiskRecord {
  const id = newId('disk');
  const rec: DiskRecord = {
    id,
    region: d.region,
    zone: d.zone,
    usage: d.usage,
    sizeGb: d.sizeGb,
    diskType: d.diskType ?? (d.usage === 'SYSTEM_DISK' ? 'CLOUD_BSSD' : 'CLOUD_PREMIUM'),
    diskName: d.usage === 'SYSTEM_DISK' ? 'system disk' : `data disk ${id}`,
    state: d.instanceId ? 'ATTACHED' : 'UNATTACHED',
    instanceId: d.instanceId,
    device: d.device,
    fsUuid: d.fsUuid ?? randomUUID(),
    fsLabel: d.fsLabel ?? (d.usage === 'SYSTEM_DISK' ? 'cloudimg-rootfs' : ''),
    snapshotId: d.snapshotId,
    createdTime: isoSeconds(now),
    deleteWithInstance: d.deleteWithInstance ?? d.usage === 'SYSTEM_DISK',
    creating: d.creating,
  };
  s.disks[id] = rec;
  return rec;
}

export function diskIdentities(s: EmulatorState, rec: InstanceRecord): DiskIdentity[] {
  return [rec.systemDiskId, ...rec.dataDiskIds]
    .map((id) => s.disks[id])
    .filter((d): d is DiskRecord => Boolean(d && d.device))
    .map((d) => ({ device: d.device!, fsUuid: d.fsUuid, fsLabel: d.fsLabel }));
}

/** Runs the fstab boot check; a blocking line leaves the instance RUNNING with its agent offline. */
export function bootCheck(world: World, rec: InstanceRecord): void {
  const s = world.store.state;
  const fstab = world.guests.readFile(world.guests.instanceRoot(rec.id), '/etc/fstab');
  const entry = blockingEntry(fstab, diskIdentities(s, rec));
  rec.stuckAtBoot = entry
    ? `/etc/fstab line ${entry.line} mounts ${entry.device} on ${entry.mountPoint}, which this instance does not have`
    : undefined;
}

export function agentOnline(rec: InstanceRecord): boolean {
  return rec.state === 'RUNNING' && rec.agentOnline && !rec.stuckAtBoot;
}

export function defaultFstab(systemDiskUuid: string): string {
  return [
    '# /etc/fstab: static file system information.',
    '# <file system> <mount point> <type> <options> <dump> <pass>',
    `UUID=${systemDiskUuid} / ext4 defaults 0 1`,
    '/swapfile none swap sw 0 0',
    '',
  ].join('\n');
}

/** Refuses a mutating call while another operation runs on the instance. */
export function assertIdle(rec: InstanceRecord): void {
  if (rec.pending || rec.lockedByImage) {
    throw new ApiError(
      'OperationDenied.InstanceOperationInProgress',
      `Instance ${rec.id} has an operation in progress (${rec.latestOperation ?? 'unknown'}); try again when it finishes.`,
    );
  }
}

export function beginOperation(
  rec: InstanceRecord,
  operation: string,
  requestId: string,
  state: InstanceState,
  pending?: Pending<InstanceState | 'TERMINATED'>,
): void {
  rec.state = state;
  rec.pending = pending;
  rec.latestOperation = operation;
  rec.latestOperationState = pending ? 'OPERATING' : 'SUCCESS';
  rec.latestOperationRequestId = requestId;
}

/** Settling rules for instances, disks and images whose effects reach other resources. */
export function registerLifecycleHooks(world: World): void {
  world.store.onSettle((kind, id, to) => {
    const s = world.store.state;
    if (kind === 'instance') {
      const rec = s.instances[id];
      if (!rec) return;
      if (to === 'TERMINATED') return removeInstance(world, rec);
      rec.latestOperationState = to === 'LAUNCH_FAILED' ? 'FAILED' : 'SUCCESS';
      if (to === 'STOPPED') world.guests.resetRuntime(rec.id);
      if (to === 'RUNNING' && rec.latestOperation === 'RunInstances') bootCheck(world, rec);
    }
    if (kind === 'image') {
      const img = s.images[id];
      if (!img) return;
      const inst = img.instanceId ? s.instances[img.instanceId] : undefined;
      if (inst && inst.lockedByImage === id) {
        delete inst.lockedByImage;
        inst.latestOperationState = to === 'NORMAL' ? 'SUCCESS' : 'FAILED';
      }
      if (to === 'CREATEFAILED') {
        // A failed image keeps no snapshots (they were part of the failed task).
        for (const snapId of img.snapshotIds) delete s.snapshots[snapId];
        img.snapshotIds = [];
        world.guests.removeImage(id);
      }
    }
  });
}

function removeInstance(world: World, rec: InstanceRecord): void {
  const s = world.store.state;
  for (const diskId of [rec.systemDiskId, ...rec.dataDiskIds]) {
    const disk = s.disks[diskId];
    if (!disk) continue;
    if (disk.deleteWithInstance) delete s.disks[diskId];
    else Object.assign(disk, { state: 'UNATTACHED', instanceId: undefined, device: undefined });
  }
  delete s.instances[rec.id];
  world.guests.removeInstance(rec.id);
}

export function instanceIn(s: EmulatorState, region: string, id: string, field = 'InstanceIds'): InstanceRecord {
  if (!/^ins-[a-z0-9]{8}$/.test(id)) {
    throw new ApiError('InvalidInstanceId.Malformed', `The instance id \`${id}\` (${field}) is malformed.`);
  }
  const rec = s.instances[id];
  if (!rec || rec.region !== region) {
    throw new ApiError('InvalidInstanceId.NotFound', `The instance \`${id}\` (${field}) does not exist in ${region}.`);
  }
  return rec;
}
