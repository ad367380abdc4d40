/**
 * RunInstances: new instances from a public or custom image. A custom image brings its guest files;
 * data disks come from the request's snapshots (or the image's own data-disk snapshots); the boot check
 * then decides whether the TAT agent ever comes online.
 */
import type * as cvm from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import { type ActionContext, type ActionDef, reader } from '../core/context';
import { ApiError, invalidValue, missing } from '../core/errors';
import { remember, replayed } from '../core/idempotency';
import { isoSeconds, newId } from '../core/ids';
import type { Params } from '../core/params';
import { checkZone } from '../core/regions';
import type { ImageRecord, InstanceRecord, InstanceState, SnapshotRecord } from '../state/types';
import { imageIn } from './images';
import { addDisk, beginOperation, defaultFstab, DEVICES } from './lifecycle';
import { publicImage } from './public-images';
import { tagsFor } from './tags';

type Body<T> = Omit<T, 'RequestId'>;

interface PlannedDisk {
  sizeGb: number;
  diskType?: string;
  snapshot?: SnapshotRecord;
  deleteWithInstance: boolean;
}

function snapshotFor(ctx: ActionContext, id: string, field: string): SnapshotRecord {
  if (!/^snap-[a-z0-9]{8}$/.test(id))
    throw new ApiError('InvalidParameterValue.SnapshotIdMalformed', `\`${field}\` ${id} is malformed.`);
  const snap = ctx.world.store.state.snapshots[id];
  if (!snap || snap.region !== ctx.region)
    throw new ApiError('InvalidSnapshotId.NotFound', `The snapshot \`${id}\` (${field}) does not exist.`);
  if (snap.state !== 'NORMAL') {
    throw new ApiError(
      'ResourceUnavailable.SnapshotCreating',
      `The snapshot \`${id}\` (${field}) is ${snap.state}, not NORMAL.`,
    );
  }
  return snap;
}

function resolveImage(ctx: ActionContext, imageId: string): ImageRecord {
  const pub = publicImage(ctx.region, imageId);
  if (pub) return pub;
  const img = imageIn(ctx.world.store.state, ctx.region, imageId, 'ImageId');
  if (img.state !== 'NORMAL') {
    throw new ApiError(
      'InvalidImageId.IncorrectState',
      `The image \`${imageId}\` (ImageId) is ${img.state}, not NORMAL.`,
    );
  }
  return img;
}

function planDataDisks(ctx: ActionContext, raw: cvm.DataDisk[] | undefined): PlannedDisk[] {
  // "若不指定该参数，则默认不购买数据盘" (RunInstancesRequest.DataDisks, cvm api.json): without DataDisks no
  // data disk is bought, whatever the image holds.
  if (raw === undefined) return [];
  if (raw.length > DEVICES.length - 1) throw invalidValue('DataDisks', `at most ${DEVICES.length - 1} data disks`);
  return raw.map((d, i) => {
    const field = `DataDisks.${i}`;
    const snapshot = d.SnapshotId ? snapshotFor(ctx, d.SnapshotId, `${field}.SnapshotId`) : undefined;
    const size = d.DiskSize === undefined ? snapshot?.sizeGb : Number(d.DiskSize);
    if (size === undefined || !Number.isInteger(size) || size < 10 || size > 32000) {
      throw invalidValue(`${field}.DiskSize`, 'must be an integer between 10 and 32000 GB');
    }
    if (snapshot && size < snapshot.sizeGb) {
      // Documented for RunInstances: FailedOperation.SnapshotSizeLargerThanDataSize (Go SDK cvm client.go).
      throw new ApiError(
        'FailedOperation.SnapshotSizeLargerThanDataSize',
        `\`${field}.DiskSize\` ${size} GB is smaller than its snapshot (${snapshot.sizeGb} GB).`,
      );
    }
    const del = d.DeleteWithInstance as unknown;
    return {
      sizeGb: size,
      diskType: d.DiskType,
      snapshot,
      deleteWithInstance: del === undefined ? true : del === true || del === 'true',
    };
  });
}

function runInstances(params: Params, ctx: ActionContext): Body<cvm.RunInstancesResponse> {
  const p = reader<cvm.RunInstancesRequest>(params);
  const token = p.str('ClientToken');
  const previous = replayed<Body<cvm.RunInstancesResponse>>(ctx, token);
  if (previous) return previous;
  const imageId = p.requiredStr('ImageId');
  const placement = p.raw('Placement') as cvm.Placement | undefined;
  if (!placement?.Zone) throw missing('Placement.Zone');
  const zone = checkZone(ctx.region, placement.Zone);
  const instanceType = p.str('InstanceType') ?? 'S5.MEDIUM2';
  if (!/^[A-Z0-9]+\.[A-Z0-9]+$/.test(instanceType)) {
    throw new ApiError('InvalidInstanceType.Malformed', `\`InstanceType\` ${instanceType} is malformed.`);
  }
  const count = p.int('InstanceCount') ?? 1;
  if (count < 1 || count > 100) throw invalidValue('InstanceCount', 'must be between 1 and 100');
  const name = p.str('InstanceName');
  if (name !== undefined && name.length > 128)
    throw new ApiError('InvalidInstanceName.TooLong', '`InstanceName` is longer than 128.');
  const image = resolveImage(ctx, imageId);
  const sysRaw = p.raw('SystemDisk') as cvm.SystemDisk | undefined;
  // SystemDisk.DiskSize: "默认值为 50" (cvm api.json); an image larger than that needs it stated.
  const sysSize = sysRaw?.DiskSize === undefined ? 50 : Number(sysRaw.DiskSize);
  if (!Number.isInteger(sysSize) || sysSize < image.sizeGb || sysSize > 2048) {
    throw invalidValue('SystemDisk.DiskSize', `must be an integer between the image size ${image.sizeGb} and 2048 GB`);
  }
  const dataPlan = planDataDisks(ctx, p.list<cvm.DataDisk>('DataDisks'));
  const tags = tagsFor('instance', p.raw('TagSpecification'));
  if (p.bool('DryRun')) throw new ApiError('DryRunOperation', 'The request would have succeeded; DryRun is set.');

  const s = ctx.world.store.state;
  const sysSnapshot = image.snapshotIds.map((id) => s.snapshots[id]).find((x) => x?.diskUsage === 'SYSTEM_DISK');
  const finalState = (ctx.resultState ?? 'RUNNING') as InstanceState;
  const at = ctx.now + ctx.world.durations.instanceLaunchMs;
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const id = newId('ins');
    const sys = addDisk(
      s,
      {
        region: ctx.region,
        zone,
        usage: 'SYSTEM_DISK',
        sizeGb: sysSize,
        diskType: sysRaw?.DiskType,
        instanceId: id,
        device: DEVICES[0],
        fsUuid: sysSnapshot?.fsUuid,
        fsLabel: sysSnapshot?.fsLabel,
        snapshotId: sysSnapshot?.id,
      },
      ctx.now,
    );
    const data = dataPlan.map((d, i) =>
      addDisk(
        s,
        {
          region: ctx.region,
          zone,
          usage: 'DATA_DISK',
          sizeGb: d.sizeGb,
          diskType: d.diskType,
          instanceId: id,
          device: DEVICES[i + 1],
          // Without a snapshot a data disk is blank: no filesystem until someone formats it.
          fsUuid: d.snapshot?.fsUuid ?? '',
          fsLabel: d.snapshot?.fsLabel ?? '',
          snapshotId: d.snapshot?.id,
          deleteWithInstance: d.deleteWithInstance,
        },
        ctx.now,
      ),
    );
    const rec: InstanceRecord = {
      id,
      region: ctx.region,
      zone,
      instanceType,
      instanceName: count > 1 && name ? `${name}-${n + 1}` : (name ?? 'Unnamed'),
      state: 'PENDING',
      createdTime: isoSeconds(ctx.now),
      imageId: image.id,
      sourceImageType: image.imageType === 'PUBLIC_IMAGE' ? 'PUBLIC_IMAGE' : 'PRIVATE_IMAGE',
      osName: image.osName,
      systemDiskId: sys.id,
      dataDiskIds: data.map((d) => d.id),
      agentOnline: true,
      tags,
    };
    beginOperation(rec, 'RunInstances', ctx.requestId, 'PENDING', { to: finalState, at, from: ctx.now });
    s.instances[id] = rec;
    if (image.imageType === 'PUBLIC_IMAGE') ctx.world.guests.writeFiles(id, { '/etc/fstab': defaultFstab(sys.fsUuid) });
    else ctx.world.guests.launchFromImage(image.id, id);
    ids.push(id);
  }
  const answer = { InstanceIdSet: ids };
  remember(ctx, token, answer);
  return answer;
}

export const runInstancesAction: ActionDef = {
  service: 'cvm',
  version: '2017-03-12',
  action: 'RunInstances',
  handler: runInstances,
  rateLimit: 10,
};
