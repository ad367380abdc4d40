/** CBS disk actions: DescribeDisks, CreateDisks (blank or from a snapshot, ClientToken), AttachDisks. */
import type * as cbs from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/v20170312/cbs_models';
import { type ActionContext, type ActionDef, reader } from '../core/context';
import { ApiError, invalidValue, missing } from '../core/errors';
import { applyFilters, readFilters, type FilterTable } from '../core/filters';
import { remember, replayed } from '../core/idempotency';
import { page, type Params } from '../core/params';
import { checkZone } from '../core/regions';
import { addDisk, assertIdle, DEVICES, instanceIn } from '../cvm/lifecycle';
import type { DiskRecord, EmulatorState } from '../state/types';
import { snapshotIn } from './snapshots';
import { diskView } from './views';

type Body<T> = Omit<T, 'RequestId'>;
const V = '2017-03-12';
const DISK_TYPES = ['CLOUD_BASIC', 'CLOUD_PREMIUM', 'CLOUD_SSD', 'CLOUD_HSSD', 'CLOUD_TSSD', 'CLOUD_BSSD'];

const DISK_FILTERS: FilterTable<DiskRecord> = {
  'disk-id': (d, v) => d.id === v,
  'disk-usage': (d, v) => d.usage === v,
  'disk-state': (d, v) => d.state === v,
  'disk-type': (d, v) => d.diskType === v,
  'disk-name': (d, v) => d.diskName.includes(v),
  'instance-id': (d, v) => d.instanceId === v,
  zone: (d, v) => d.zone === v,
  portable: (d, v) => String(d.usage === 'DATA_DISK') === v.toLowerCase(),
  'tag-key': (d, v) => (d.tags ?? []).some((t) => t.Key === v),
  'tag:': (d, kv) => (d.tags ?? []).some((t) => `${t.Key}=${t.Value}` === kv),
};

export function diskIn(s: EmulatorState, region: string, id: string, field: string): DiskRecord {
  if (!/^disk-[a-z0-9]{8}$/.test(id))
    throw new ApiError('InvalidDiskId.NotFound', `\`${field}\` ${id} is not a disk id.`);
  const disk = s.disks[id];
  if (!disk || disk.region !== region)
    throw new ApiError('InvalidDiskId.NotFound', `The disk \`${id}\` (${field}) does not exist.`);
  return disk;
}

function describeDisks(params: Params, ctx: ActionContext): Body<cbs.DescribeDisksResponse> {
  const p = reader<cbs.DescribeDisksRequest>(params);
  const s = ctx.world.store.state;
  const ids = p.strList('DiskIds');
  const filters = readFilters(p.raw('Filters'));
  if (ids && filters.length)
    throw new ApiError('InvalidParameter', 'DiskIds and Filters cannot be specified together.');
  // A disk still being created is not visible yet, as with Tencent's eventual listing.
  const all = Object.values(s.disks)
    .filter((d) => d.region === ctx.region && !d.creating)
    .sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.id.localeCompare(b.id));
  const found = ids ? all.filter((d) => ids.includes(d.id)) : applyFilters(all, filters, DISK_FILTERS);
  return {
    TotalCount: found.length,
    DiskSet: page(found, params, 20, 100).map((d) =>
      diskView(d, d.instanceId ? s.instances[d.instanceId]?.instanceType : undefined),
    ),
  };
}

function createDisks(params: Params, ctx: ActionContext): Body<cbs.CreateDisksResponse> {
  const p = reader<cbs.CreateDisksRequest>(params);
  const token = p.str('ClientToken');
  const previous = replayed<Body<cbs.CreateDisksResponse>>(ctx, token);
  if (previous) return previous;
  const s = ctx.world.store.state;
  const placement = p.raw('Placement') as cbs.Placement | undefined;
  if (!placement?.Zone) throw missing('Placement.Zone');
  const zone = checkZone(ctx.region, placement.Zone);
  const charge = p.requiredStr('DiskChargeType');
  if (!['POSTPAID_BY_HOUR', 'PREPAID', 'CDCPAID', 'DEDICATED_CLUSTER_PAID'].includes(charge)) {
    throw invalidValue('DiskChargeType', 'must be POSTPAID_BY_HOUR or PREPAID');
  }
  const diskType = p.requiredStr('DiskType');
  if (!DISK_TYPES.includes(diskType)) throw invalidValue('DiskType', `must be one of ${DISK_TYPES.join(', ')}`);
  const snapshotId = p.str('SnapshotId');
  const snapshot = snapshotId ? snapshotIn(s, ctx.region, snapshotId, 'SnapshotId') : undefined;
  if (snapshot && snapshot.state !== 'NORMAL') {
    throw new ApiError('ResourceUnavailable.SnapshotCreating', `The snapshot \`${snapshot.id}\` is ${snapshot.state}.`);
  }
  const size = p.int('DiskSize') ?? snapshot?.sizeGb;
  if (size === undefined) throw missing('DiskSize');
  if (size < 10 || size > 32000) throw invalidValue('DiskSize', 'must be between 10 and 32000 GB');
  if (snapshot && size < snapshot.sizeGb)
    throw invalidValue('DiskSize', `must be at least the snapshot size ${snapshot.sizeGb} GB`);
  const count = p.int('DiskCount') ?? 1;
  if (count < 1 || count > 50) throw invalidValue('DiskCount', 'must be between 1 and 50');
  const name = p.str('DiskName');
  const tags = (p.list<{ Key: string; Value: string }>('Tags') ?? []).map((t) => ({
    Key: t.Key,
    Value: t.Value ?? '',
  }));
  const at = ctx.now + ctx.world.durations.diskCreateMs;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const disk = addDisk(
      s,
      {
        region: ctx.region,
        zone,
        usage: 'DATA_DISK',
        sizeGb: size,
        diskType,
        // A blank disk has no filesystem until someone formats it.
        fsUuid: snapshot?.fsUuid ?? '',
        fsLabel: snapshot?.fsLabel ?? '',
        snapshotId: snapshot?.id,
        deleteWithInstance: false,
        creating: { to: 'DONE', at, from: ctx.now },
      },
      ctx.now,
    );
    if (name) disk.diskName = count > 1 ? `${name}-${i + 1}` : name;
    disk.tags = tags;
    ids.push(disk.id);
  }
  const answer = { DiskIdSet: ids };
  remember(ctx, token, answer);
  return answer;
}

function attachDisks(params: Params, ctx: ActionContext): Body<cbs.AttachDisksResponse> {
  const p = reader<cbs.AttachDisksRequest>(params);
  const s = ctx.world.store.state;
  const inst = instanceIn(s, ctx.region, p.requiredStr('InstanceId'), 'InstanceId');
  const ids = p.strList('DiskIds');
  if (!ids?.length) throw missing('DiskIds');
  const disks = ids.map((id, i) => diskIn(s, ctx.region, id, `DiskIds.${i}`));
  assertIdle(inst);
  if (inst.state !== 'RUNNING' && inst.state !== 'STOPPED') {
    throw new ApiError(
      'InvalidInstance.NotSupported',
      `Instance ${inst.id} is ${inst.state}; disks attach to RUNNING or STOPPED instances.`,
    );
  }
  for (const d of disks) {
    if (d.creating) throw new ApiError('ResourceBusy', `The disk \`${d.id}\` is still being created.`);
    if (d.usage === 'SYSTEM_DISK')
      throw new ApiError('ResourceUnavailable.TypeError', `The disk \`${d.id}\` is a system disk.`);
    if (d.state !== 'UNATTACHED')
      throw new ApiError('ResourceUnavailable.Attached', `The disk \`${d.id}\` is ${d.state}.`);
    if (d.zone !== inst.zone) {
      throw new ApiError(
        'ResourceUnavailable.ZoneNotMatch',
        `The disk \`${d.id}\` is in ${d.zone}, the instance in ${inst.zone}.`,
      );
    }
  }
  const used = new Set([inst.systemDiskId, ...inst.dataDiskIds].map((id) => s.disks[id]?.device));
  const free = DEVICES.filter((dev) => !used.has(dev));
  if (free.length < disks.length) {
    throw new ApiError(
      'LimitExceeded.InstanceAttachedDisk',
      `Instance ${inst.id} cannot take ${disks.length} more disks.`,
    );
  }
  const deleteWithInstance = p.bool('DeleteWithInstance') ?? false;
  const at = ctx.now + ctx.world.durations.diskAttachMs;
  disks.forEach((d, i) => {
    Object.assign(d, { state: 'ATTACHING', instanceId: inst.id, device: free[i], deleteWithInstance });
    d.pending = { to: 'ATTACHED', at, from: ctx.now };
    inst.dataDiskIds.push(d.id);
  });
  return {};
}

export const diskActions: ActionDef[] = [
  { service: 'cbs', version: V, action: 'DescribeDisks', handler: describeDisks, rateLimit: 20 },
  { service: 'cbs', version: V, action: 'CreateDisks', handler: createDisks, rateLimit: 20 },
  { service: 'cbs', version: V, action: 'AttachDisks', handler: attachDisks, rateLimit: 20 },
];
