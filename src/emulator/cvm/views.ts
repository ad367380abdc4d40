/** Our records rendered as the SDK's model types, so a shape drift in the SDK is a type error here. */
import type {
  DataDisk,
  Image,
  Instance,
  Snapshot,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import type { EmulatorState, ImageRecord, InstanceRecord } from '../state/types';

const INSTANCE_SHAPES: Record<string, { cpu: number; memory: number }> = {
  'S5.SMALL1': { cpu: 1, memory: 1 },
  'S5.SMALL2': { cpu: 1, memory: 2 },
  'S5.MEDIUM2': { cpu: 2, memory: 2 },
  'S5.MEDIUM4': { cpu: 2, memory: 4 },
  'S5.LARGE8': { cpu: 4, memory: 8 },
  'SA2.MEDIUM4': { cpu: 2, memory: 4 },
};

export function instanceShape(type: string): { cpu: number; memory: number } {
  return INSTANCE_SHAPES[type] ?? { cpu: 2, memory: 4 };
}

export function instanceView(s: EmulatorState, rec: InstanceRecord): Instance {
  const sys = s.disks[rec.systemDiskId];
  const dataDisks: DataDisk[] = rec.dataDiskIds
    .map((id) => s.disks[id])
    .filter(Boolean)
    .map((d) => ({
      DiskId: d.id,
      DiskSize: d.sizeGb,
      DiskType: d.diskType,
      DeleteWithInstance: d.deleteWithInstance,
      SnapshotId: d.snapshotId,
      Encrypt: false,
    }));
  const { cpu, memory } = instanceShape(rec.instanceType);
  return {
    Placement: { Zone: rec.zone, ProjectId: 0 },
    InstanceId: rec.id,
    InstanceType: rec.instanceType,
    CPU: cpu,
    Memory: memory,
    RestrictState: 'NORMAL',
    InstanceName: rec.instanceName,
    InstanceChargeType: 'POSTPAID_BY_HOUR',
    SystemDisk: sys ? { DiskId: sys.id, DiskSize: sys.sizeGb, DiskType: sys.diskType } : undefined,
    DataDisks: dataDisks,
    PrivateIpAddresses: ['10.0.0.' + ((parseInt(rec.id.slice(4, 8), 36) % 250) + 2)],
    PublicIpAddresses: [],
    ImageId: rec.imageId,
    RenewFlag: 'NOTIFY_AND_MANUAL_RENEW',
    CreatedTime: rec.createdTime,
    OsName: rec.osName,
    SecurityGroupIds: [],
    InstanceState: rec.state,
    Tags: rec.tags,
    StopChargingMode: rec.stoppedMode ?? 'NOT_APPLICABLE',
    Uuid: rec.id,
    LatestOperation: rec.latestOperation,
    LatestOperationState: rec.latestOperationState,
    LatestOperationRequestId: rec.latestOperationRequestId,
    IsolatedSource: 'NOTISOLATED',
    DisableApiTermination: false,
    DefaultLoginUser: 'root',
    DefaultLoginPort: 22,
  };
}

export function imageView(s: EmulatorState, rec: ImageRecord): Image {
  const snapshots: Snapshot[] = rec.snapshotIds
    .map((id) => s.snapshots[id])
    .filter(Boolean)
    .map((snap) => ({ SnapshotId: snap.id, DiskUsage: snap.diskUsage, DiskSize: snap.sizeGb }));
  return {
    ImageId: rec.id,
    OsName: rec.osName,
    ImageType: rec.imageType,
    CreatedTime: rec.createdTime,
    ImageName: rec.name,
    ImageDescription: rec.description,
    ImageSize: rec.sizeGb,
    Architecture: rec.architecture,
    ImageState: rec.state,
    Platform: rec.platform,
    ImageCreator: rec.imageType === 'PRIVATE_IMAGE' ? '100000000001' : '',
    ImageSource: rec.imageSource,
    SyncPercent: rec.state === 'SYNCING' ? 0 : 100,
    IsSupportCloudinit: true,
    SnapshotSet: snapshots,
    Tags: rec.tags,
    LicenseType: 'TencentCloud',
    ImageFamily: rec.family ?? '',
    ImageDeprecated: false,
  };
}
