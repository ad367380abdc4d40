/** CBS records rendered as the SDK's model types. */
import type { Disk, Snapshot } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/v20170312/cbs_models';
import type { DiskRecord, EmulatorState, SnapshotRecord } from '../state/types';

/** Percent rises linearly from the start of the transition to its settle time. */
export function percent(rec: SnapshotRecord, now: number): number {
  if (rec.state === 'NORMAL') return 100;
  if (!rec.pending) return 0;
  const span = Math.max(1, rec.pending.at - rec.pending.from);
  return Math.min(99, Math.max(0, Math.floor(((now - rec.pending.from) / span) * 100)));
}

export function snapshotView(s: EmulatorState, rec: SnapshotRecord, now: number): Snapshot {
  const disk = s.disks[rec.diskId];
  const images = rec.imageIds.map((id) => s.images[id]).filter(Boolean);
  return {
    Placement: { Zone: disk?.zone ?? `${rec.region}-3` },
    CopyFromRemote: false,
    SnapshotState: rec.state,
    IsPermanent: true,
    SnapshotName: rec.name,
    DeadlineTime: '',
    Percent: percent(rec, now),
    Images: images.map((i) => ({ ImageId: i.id, ImageName: i.name })),
    ShareReference: 0,
    SnapshotType: 'PRIVATE_SNAPSHOT',
    DiskSize: rec.sizeGb,
    DiskId: rec.diskId,
    CopyingToRegions: [],
    Encrypt: false,
    CreateTime: rec.createdTime.replace('T', ' ').replace('Z', ''),
    ImageCount: images.length,
    DiskUsage: rec.diskUsage,
    SnapshotId: rec.id,
    TimeStartShare: '',
    Tags: rec.tags ?? [],
    IsLocked: false,
  };
}

export function diskView(rec: DiskRecord, instanceType?: string): Disk {
  return {
    DeleteWithInstance: rec.deleteWithInstance,
    RenewFlag: 'NOTIFY_AND_MANUAL_RENEW',
    DiskType: rec.diskType,
    DiskState: rec.state,
    SnapshotCount: 0,
    Rollbacking: false,
    InstanceIdList: rec.instanceId ? [rec.instanceId] : [],
    Encrypt: false,
    DiskName: rec.diskName,
    BackupDisk: false,
    Tags: rec.tags ?? [],
    InstanceId: rec.instanceId ?? '',
    AttachMode: '',
    Migrating: false,
    DiskId: rec.id,
    Placement: { Zone: rec.zone, ProjectId: 0 },
    Attached: rec.state === 'ATTACHED',
    DiskSize: rec.sizeGb,
    DiskUsage: rec.usage,
    DiskChargeType: 'POSTPAID_BY_HOUR',
    Portable: rec.usage === 'DATA_DISK',
    SnapshotAbility: true,
    Shareable: false,
    CreateTime: rec.createdTime.replace('T', ' ').replace('Z', ''),
    InstanceType: instanceType ?? '',
  };
}
