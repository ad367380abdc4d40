/** CVM image actions: DescribeImages, CreateImage, DeleteImages, DescribeImageQuota. */
import type * as cvm from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import { type ActionContext, type ActionDef, reader } from '../core/context';
import { ApiError, invalidParameter, missing } from '../core/errors';
import { applyFilters, readFilters, type FilterTable } from '../core/filters';
import { ghosts, rememberDeleted, visible } from '../core/consistency';
import { imageCreateDuration } from '../core/durations';
import { isoSeconds, newId } from '../core/ids';
import { page, type Params } from '../core/params';
import { isDocumentedError } from '../../tencent';
import type { EmulatorState, ImageRecord, ImageState, InstanceRecord, SnapshotRecord } from '../state/types';
import { assertIdle, instanceIn } from './lifecycle';
import { publicImage, publicImages } from './public-images';
import { tagsFor } from './tags';
import { imageView } from './views';

type Body<T> = Omit<T, 'RequestId'>;
const V = '2017-03-12';

const IMAGE_FILTERS: FilterTable<ImageRecord> = {
  'image-id': (i, v) => i.id === v,
  'image-type': (i, v) => i.imageType === v,
  'image-name': (i, v) => i.name.includes(v),
  platform: (i, v) => i.platform === v,
  // The filters DescribeImages documents (tccli cvm api.json, DescribeImagesRequest.Filters): no
  // image-state / image-family; tag-key, tag-value and tag:<key> are there.
  'tag-key': (i, v) => i.tags.some((t) => t.Key === v),
  'tag-value': (i, v) => i.tags.some((t) => t.Value === v),
  'tag:': (i, kv) => i.tags.some((t) => `${t.Key}=${t.Value}` === kv),
};

const pascal = (state: string) => state.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());

function onlineImagingAllowed(rule: string, inst: InstanceRecord): boolean {
  if (rule === 'always') return true;
  if (rule === 'never') return false;
  return inst.sourceImageType === 'PUBLIC_IMAGE' && inst.createdTime >= '2018-07-01';
}

export function imageQuota(s: EmulatorState, region: string): number {
  return s.config.imageQuota[region] ?? s.config.defaultImageQuota;
}

export function privateImages(s: EmulatorState, region: string): ImageRecord[] {
  return Object.values(s.images).filter((i) => i.region === region && i.imageType === 'PRIVATE_IMAGE');
}

export function imageIn(s: EmulatorState, region: string, id: string, field = 'ImageIds'): ImageRecord {
  if (!/^img-[a-z0-9]{8}$/.test(id))
    throw new ApiError('InvalidImageId.Malformed', `The image id \`${id}\` (${field}) is malformed.`);
  const rec = s.images[id];
  if (!rec || rec.region !== region) {
    throw new ApiError('InvalidImageId.NotFound', `The image \`${id}\` (${field}) does not exist in ${region}.`);
  }
  return rec;
}

function describeImages(params: Params, ctx: ActionContext): Body<cvm.DescribeImagesResponse> {
  const p = reader<cvm.DescribeImagesRequest>(params);
  const s = ctx.world.store.state;
  const ids = p.strList('ImageIds');
  const filters = readFilters(p.raw('Filters'));
  if (ids && filters.length) {
    throw new ApiError(
      'InvalidParameter.InvalidParameterCoexistImageIdsFilters',
      'ImageIds and Filters cannot be specified together.',
    );
  }
  const all = [
    ...[...visible(s, Object.values(s.images), ctx.now), ...ghosts(s, 'images', ctx.now)]
      .filter((i) => i.region === ctx.region)
      .sort((a, b) => b.createdTime.localeCompare(a.createdTime) || a.id.localeCompare(b.id)),
    ...publicImages(ctx.region),
  ];
  let found: ImageRecord[];
  if (ids) {
    for (const id of ids) {
      if (!/^img-[a-z0-9]{8}$/.test(id))
        throw new ApiError('InvalidImageId.Malformed', `The image id \`${id}\` is malformed.`);
    }
    found = all.filter((i) => ids.includes(i.id));
  } else {
    found = applyFilters(all, filters, IMAGE_FILTERS);
  }
  return { ImageSet: page(found, params, 20, 100).map((i) => imageView(s, i)), TotalCount: found.length };
}

function describeImageQuota(_params: Params, ctx: ActionContext): Body<cvm.DescribeImageQuotaResponse> {
  return { ImageNumQuota: imageQuota(ctx.world.store.state, ctx.region) };
}

function createImage(params: Params, ctx: ActionContext): Body<cvm.CreateImageResponse> {
  const p = reader<cvm.CreateImageRequest>(params);
  const { world, region, now } = ctx;
  const s = world.store.state;
  const name = p.requiredStr('ImageName');
  // CreateImage's documented list has no TooLong code: the common InvalidParameterValue (Go SDK client.go).
  if (name.length > 60) throw new ApiError('InvalidParameterValue', '`ImageName` must be at most 60 characters.');
  const description = p.str('ImageDescription') ?? '';
  if (description.length > 256) {
    throw new ApiError('InvalidParameterValue', '`ImageDescription` must be at most 256 characters.');
  }
  const instanceId = p.str('InstanceId');
  const snapshotIds = p.strList('SnapshotIds');
  if (instanceId && snapshotIds) throw invalidParameter('SnapshotIds', 'cannot be passed together with InstanceId');
  if (!instanceId)
    throw missing(snapshotIds ? 'InstanceId (creating images from SnapshotIds is not emulated)' : 'InstanceId');
  const force = p.flag('ForcePoweroff');
  p.flag('Sysprep');
  const tags = tagsFor('image', p.raw('TagSpecification'));
  const family = p.str('ImageFamily');
  const inst = instanceIn(s, region, instanceId, 'InstanceId');
  const dataDiskIds = p.strList('DataDiskIds') ?? [];
  for (const diskId of dataDiskIds) {
    if (!inst.dataDiskIds.includes(diskId)) {
      throw new ApiError(
        'InvalidParameter.DataDiskNotBelongSpecifiedInstance',
        `The data disk \`${diskId}\` (DataDiskIds) does not belong to instance ${inst.id}.`,
      );
    }
  }
  // Name and quota first: a retried call whose first attempt went through meets the duplicate, not the lock.
  if (privateImages(s, region).some((i) => i.name === name)) {
    throw new ApiError('InvalidImageName.Duplicate', `An image named \`${name}\` already exists in ${region}.`);
  }
  const quota = imageQuota(s, region);
  if (privateImages(s, region).length >= quota) {
    throw new ApiError('ImageQuotaLimitExceeded', `The custom image quota of ${region} (${quota}) is used up.`);
  }
  assertIdle(inst);
  if (inst.state !== 'RUNNING' && inst.state !== 'STOPPED') {
    // CreateImage documents one code per transitional state (UnsupportedOperation.InstanceStateStopping…).
    const code = `UnsupportedOperation.InstanceState${pascal(inst.state)}`;
    throw new ApiError(
      isDocumentedError('CreateImage', code) ? code : 'InvalidInstance.NotSupported',
      `Instance ${inst.id} is ${inst.state}; it must be RUNNING or STOPPED.`,
    );
  }
  // Documented for CreateImage: an instance stopped with StoppedMode=STOP_CHARGING cannot be imaged
  // (UnsupportedOperation.StoppedModeStopCharging, Go SDK cvm client.go).
  if (inst.state === 'STOPPED' && inst.stoppedMode === 'STOP_CHARGING') {
    throw new ApiError(
      'UnsupportedOperation.StoppedModeStopCharging',
      `Instance ${inst.id} was stopped with StoppedMode=STOP_CHARGING and cannot be imaged; start it and stop it with KEEP_CHARGING.`,
    );
  }
  if (
    inst.state === 'RUNNING' &&
    !force &&
    !onlineImagingAllowed(s.config.onlineImaging ?? 'public-since-2018-07', inst)
  ) {
    // The rule comes from our seed document only; Tencent's CreateImage error list names no specific code
    // for it, so the emulator answers the common UnsupportedOperation.
    throw new ApiError(
      'UnsupportedOperation',
      `Instance ${inst.id} cannot be imaged while running: online creation needs an instance created from a public image on or after 2018-07-01. Stop it first or pass ForcePoweroff=TRUE.`,
    );
  }
  if (p.bool('DryRun')) throw new ApiError('DryRunOperation', 'The request would have succeeded; DryRun is set.');

  const imageId = newId('img');
  const finalState = (ctx.resultState ?? 'NORMAL') as ImageState;
  const dataGb = dataDiskIds.reduce((sum, id) => sum + (s.disks[id]?.sizeGb ?? 0), 0);
  const at = now + imageCreateDuration(world.durations, dataGb);
  const sys = s.disks[inst.systemDiskId];
  const snapshots: SnapshotRecord[] = [sys, ...dataDiskIds.map((id) => s.disks[id])].map((disk) => ({
    id: newId('snap'),
    region,
    name: `${name}_${disk.usage === 'SYSTEM_DISK' ? 'system' : disk.id}`,
    diskId: disk.id,
    diskUsage: disk.usage,
    sizeGb: disk.sizeGb,
    state: 'CREATING',
    pending: { to: 'NORMAL', at, from: now },
    createdTime: isoSeconds(now),
    imageIds: [imageId],
    fsUuid: disk.fsUuid,
    fsLabel: disk.fsLabel,
  }));
  for (const snap of snapshots) s.snapshots[snap.id] = snap;
  s.images[imageId] = {
    id: imageId,
    region,
    name,
    description,
    state: 'CREATING',
    pending: { to: finalState, at, from: now },
    createdTime: isoSeconds(now),
    imageType: 'PRIVATE_IMAGE',
    imageSource: 'CREATE_IMAGE',
    osName: inst.osName,
    platform: publicImage(region, inst.imageId)?.platform ?? inst.osName.split(' ')[0],
    architecture: 'x86_64',
    sizeGb: sys.sizeGb,
    instanceId: inst.id,
    snapshotIds: snapshots.map((x) => x.id),
    tags,
    family,
    sharedWith: [],
    filesDir: `images/${imageId}`,
  };
  world.guests.captureImage(inst.id, imageId);
  inst.latestOperation = 'CreateImage';
  inst.latestOperationState = 'OPERATING';
  inst.latestOperationRequestId = ctx.requestId;
  inst.lockedByImage = imageId;
  // ForcePoweroff shuts a running instance down for the image; it stays stopped afterwards.
  if (inst.state === 'RUNNING' && force) {
    inst.state = 'STOPPED';
    inst.stoppedMode = 'KEEP_CHARGING';
  }
  return { ImageId: imageId };
}

function deleteImages(params: Params, ctx: ActionContext): Body<cvm.DeleteImagesResponse> {
  const p = reader<cvm.DeleteImagesRequest>(params);
  const s = ctx.world.store.state;
  const ids = p.strList('ImageIds');
  if (!ids || ids.length === 0) throw missing('ImageIds');
  const deleteSnapshots = p.bool('DeleteBindedSnap') ?? false;
  const images = ids.map((id) => {
    if (publicImage(ctx.region, id)) {
      throw new ApiError('InvalidImageId.NotFound', `The image \`${id}\` is a public image and cannot be deleted.`);
    }
    const img = imageIn(s, ctx.region, id);
    if (img.state === 'CREATING' || img.state === 'SYNCING') {
      throw new ApiError(
        'InvalidImageId.IncorrectState',
        `The image \`${id}\` is ${img.state} and cannot be deleted yet.`,
      );
    }
    if (img.sharedWith.length > 0) {
      throw new ApiError(
        'InvalidImageId.InShared',
        `The image \`${id}\` is shared with other accounts; cancel sharing first.`,
      );
    }
    return img;
  });
  if (p.bool('DryRun')) throw new ApiError('DryRunOperation', 'The request would have succeeded; DryRun is set.');
  for (const img of images) {
    for (const snapId of img.snapshotIds) {
      const snap = s.snapshots[snapId];
      if (!snap) continue;
      snap.imageIds = snap.imageIds.filter((x) => x !== img.id);
      if (deleteSnapshots && snap.imageIds.length === 0) {
        rememberDeleted(s, 'snapshots', snap, ctx.now);
        delete s.snapshots[snapId];
      }
    }
    rememberDeleted(s, 'images', img, ctx.now);
    delete s.images[img.id];
    ctx.world.guests.removeImage(img.id);
  }
  return {};
}

export const imageActions: ActionDef[] = [
  { service: 'cvm', version: V, action: 'DescribeImages', handler: describeImages, rateLimit: 40 },
  { service: 'cvm', version: V, action: 'DescribeImageQuota', handler: describeImageQuota, rateLimit: 10 },
  { service: 'cvm', version: V, action: 'CreateImage', handler: createImage, rateLimit: 10 },
  { service: 'cvm', version: V, action: 'DeleteImages', handler: deleteImages, rateLimit: 10 },
];
