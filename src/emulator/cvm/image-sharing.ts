/** Copying and sharing custom images: SyncImages, ModifyImageSharePermission, DescribeImageSharePermission. */
import type * as cvm from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import { type ActionContext, type ActionDef, reader } from '../core/context';
import { ApiError, invalidValue, missing } from '../core/errors';
import { isoSeconds, newId } from '../core/ids';
import type { Params } from '../core/params';
import { REGIONS } from '../core/regions';
import type { ImageRecord } from '../state/types';
import { imageIn, imageQuota, privateImages } from './images';

type Body<T> = Omit<T, 'RequestId'>;
const V = '2017-03-12';
const MAX_SHARES = 500;

/** The account the emulator plays (sharing to it is FailedOperation.AccountIsYourSelf). */
export const OWN_ACCOUNT_ID = '100000000001';

/** `stateCode`: SyncImages documents InvalidImageId.IncorrectState, ModifyImageSharePermission …InvalidImageState. */
function normalPrivateImage(ctx: ActionContext, id: string, field: string, stateCode: string): ImageRecord {
  const img = imageIn(ctx.world.store.state, ctx.region, id, field);
  if (img.imageType !== 'PRIVATE_IMAGE') {
    throw new ApiError(stateCode, `The image \`${id}\` (${field}) is not a custom image of this account.`);
  }
  if (img.state !== 'NORMAL') {
    throw new ApiError(stateCode, `The image \`${id}\` (${field}) is ${img.state}, not NORMAL.`);
  }
  return img;
}

function syncImages(params: Params, ctx: ActionContext): Body<cvm.SyncImagesResponse> {
  const p = reader<cvm.SyncImagesRequest>(params);
  const s = ctx.world.store.state;
  const ids = p.strList('ImageIds');
  if (!ids?.length) throw missing('ImageIds');
  const regions = p.strList('DestinationRegions');
  if (!regions?.length) throw missing('DestinationRegions');
  // "该接口每次调用只支持同步一个镜像" — one image per call (SyncImages, tccli cvm api.json); the list
  // documents InvalidImageId.TooLarge.
  if (ids.length > 1) throw new ApiError('InvalidImageId.TooLarge', 'SyncImages copies one image per call.');
  const images = ids.map((id, i) => normalPrivateImage(ctx, id, `ImageIds.${i}`, 'InvalidImageId.IncorrectState'));
  regions.forEach((r, i) => {
    if (!REGIONS.includes(r))
      throw new ApiError('InvalidRegion.NotFound', `\`DestinationRegions.${i}\` ${r} is not a region.`);
    if (r === ctx.region) throw invalidValue(`DestinationRegions.${i}`, 'must differ from the source region');
    const needed = privateImages(s, r).length + images.length;
    if (needed > imageQuota(s, r))
      throw new ApiError('ImageQuotaLimitExceeded', `The custom image quota of ${r} is used up.`);
  });
  const name = p.str('ImageName');
  if (name !== undefined && name.length > 60)
    throw new ApiError('InvalidParameterValue', '`ImageName` must be at most 60 characters.');
  // A copy's name (ImageName, default the source's) already used in a destination: InvalidImageName.Duplicate
  // (SyncImages' documented list).
  for (const r of regions) {
    const copyName = name ?? images[0].name;
    if (privateImages(s, r).some((i) => i.name === copyName))
      throw new ApiError('InvalidImageName.Duplicate', `An image named \`${copyName}\` already exists in ${r}.`);
  }
  if (p.bool('DryRun')) throw new ApiError('DryRunOperation', 'The request would have succeeded; DryRun is set.');
  const at = ctx.now + ctx.world.durations.imageSyncMs;
  const out: cvm.SyncImage[] = [];
  for (const img of images) {
    for (const region of regions) {
      const copyId = newId('img');
      const snapshotIds = img.snapshotIds.map((sid) => {
        const src = s.snapshots[sid];
        const copy = {
          ...src,
          id: newId('snap'),
          region,
          imageIds: [copyId],
          createdTime: isoSeconds(ctx.now),
          state: 'CREATING' as const,
        };
        copy.pending = { to: 'NORMAL', at, from: ctx.now };
        s.snapshots[copy.id] = copy;
        return copy.id;
      });
      s.images[copyId] = {
        ...img,
        id: copyId,
        region,
        name: name ?? img.name,
        state: 'SYNCING',
        pending: { to: 'NORMAL', at, from: ctx.now },
        createdTime: isoSeconds(ctx.now),
        // ImageSource is one of OFFICIAL / CREATE_IMAGE / EXTERNAL_IMPORT (Image.ImageSource, cvm api.json):
        // a copy keeps its source's. Nothing documents tags travelling with a copy: it has none.
        imageSource: img.imageSource,
        tags: [],
        snapshotIds,
        sharedWith: [],
        sourceImageId: img.id,
        instanceId: undefined,
        filesDir: `images/${copyId}`,
      };
      ctx.world.guests.copyImage(img.id, copyId);
      out.push({ ImageId: copyId, Region: region });
    }
  }
  return p.bool('ImageSetRequired') ? { ImageSet: out } : {};
}

function modifyImageSharePermission(params: Params, ctx: ActionContext): Body<cvm.ModifyImageSharePermissionResponse> {
  const p = reader<cvm.ModifyImageSharePermissionRequest>(params);
  const img = normalPrivateImage(ctx, p.requiredStr('ImageId'), 'ImageId', 'InvalidParameterValue.InvalidImageState');
  const accounts = p.strList('AccountIds');
  if (!accounts?.length) throw missing('AccountIds');
  // Documented for ModifyImageSharePermission (Go SDK cvm client.go): an unknown account
  // (InvalidAccountId.NotFound), yourself (FailedOperation.AccountIsYourSelf), an account that already has
  // the image (FailedOperation.AccountAlreadyExists).
  accounts.forEach((a, i) => {
    if (!/^\d{5,20}$/.test(a))
      throw new ApiError('InvalidAccountId.NotFound', `\`AccountIds.${i}\` ${a} is not an account.`);
    if (a === OWN_ACCOUNT_ID)
      throw new ApiError(
        'FailedOperation.AccountIsYourSelf',
        `\`AccountIds.${i}\` is this account; it owns the image.`,
      );
  });
  const permission = p.requiredStr('Permission').toUpperCase();
  if (permission === 'SHARE') {
    const already = accounts.find((a) => img.sharedWith.some((x) => x.accountId === a));
    if (already)
      throw new ApiError('FailedOperation.AccountAlreadyExists', `The image is already shared with ${already}.`);
    const fresh = accounts;
    if (img.sharedWith.length + fresh.length > MAX_SHARES) {
      throw new ApiError('OverQuota', `An image can be shared with at most ${MAX_SHARES} accounts.`);
    }
    for (const a of fresh) img.sharedWith.push({ accountId: a, createdTime: isoSeconds(ctx.now) });
  } else if (permission === 'CANCEL') {
    img.sharedWith = img.sharedWith.filter((x) => !accounts.includes(x.accountId));
  } else {
    throw invalidValue('Permission', 'must be SHARE or CANCEL');
  }
  return {};
}

function describeImageSharePermission(
  params: Params,
  ctx: ActionContext,
): Body<cvm.DescribeImageSharePermissionResponse> {
  const p = reader<cvm.DescribeImageSharePermissionRequest>(params);
  const img = imageIn(ctx.world.store.state, ctx.region, p.requiredStr('ImageId'), 'ImageId');
  return { SharePermissionSet: img.sharedWith.map((x) => ({ AccountId: x.accountId, CreatedTime: x.createdTime })) };
}

export const imageSharingActions: ActionDef[] = [
  { service: 'cvm', version: V, action: 'SyncImages', handler: syncImages, rateLimit: 10 },
  {
    service: 'cvm',
    version: V,
    action: 'ModifyImageSharePermission',
    handler: modifyImageSharePermission,
    rateLimit: 10,
  },
  {
    service: 'cvm',
    version: V,
    action: 'DescribeImageSharePermission',
    handler: describeImageSharePermission,
    rateLimit: 10,
  },
];
