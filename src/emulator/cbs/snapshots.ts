/** CBS snapshot actions: CreateSnapshot, DescribeSnapshots, DeleteSnapshots (bound snapshots need their image gone). */
import type * as cbs from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/v20170312/cbs_models';
import { ghosts, rememberDeleted, visible } from '../core/consistency';
import { type ActionContext, type ActionDef, reader } from '../core/context';
import { ApiError, missing } from '../core/errors';
import { applyFilters, readFilters, type FilterTable } from '../core/filters';
import { isoSeconds, newId } from '../core/ids';
import { page, type Params } from '../core/params';
import type { EmulatorState, SnapshotRecord, SnapshotState } from '../state/types';
import { diskIn } from './disks';
import { snapshotView } from './views';

type Body<T> = Omit<T, 'RequestId'>;
const V = '2017-03-12';

const SNAPSHOT_FILTERS: FilterTable<SnapshotRecord> = {
  'snapshot-id': (x, v) => x.id === v,
  'snapshot-name': (x, v) => x.name.includes(v),
  'snapshot-state': (x, v) => x.state === v,
  'disk-id': (x, v) => x.diskId === v,
  'disk-usage': (x, v) => x.diskUsage === v,
  'snapshot-type': (_x, v) => v === 'PRIVATE_SNAPSHOT',
  // DescribeSnapshots documents no tag-key / tag: filters (its Filters member in tccli's cbs api.json):
  // the emulator refuses them as InvalidFilter, as an undocumented filter name.
};

export function snapshotIn(s: EmulatorState, region: string, id: string, field: string): SnapshotRecord {
  if (!/^snap-[a-z0-9]{8}$/.test(id))
    throw new ApiError('InvalidSnapshotId.NotFound', `\`${field}\` ${id} is not a snapshot id.`);
  const snap = s.snapshots[id];
  if (!snap || snap.region !== region)
    throw new ApiError('InvalidSnapshotId.NotFound', `The snapshot \`${id}\` (${field}) does not exist.`);
  return snap;
}

function createSnapshot(params: Params, ctx: ActionContext): Body<cbs.CreateSnapshotResponse> {
  const p = reader<cbs.CreateSnapshotRequest>(params);
  const diskId = p.str('DiskId');
  if (!diskId) throw missing('DiskId');
  const disk = diskIn(ctx.world.store.state, ctx.region, diskId, 'DiskId');
  if (disk.creating) throw new ApiError('ResourceBusy', `The disk \`${diskId}\` is still being created.`);
  const name = p.str('SnapshotName') ?? `snapshot-${disk.id}`;
  if (name.length > 60) throw new ApiError('InvalidParameterValue', '`SnapshotName` must be at most 60 characters.');
  const tags = (p.list<{ Key: string; Value: string }>('Tags') ?? []).map((t) => ({
    Key: t.Key,
    Value: t.Value ?? '',
  }));
  // CreateSnapshot documents InvalidDisk.SnapshotCreating ("云硬盘正在创建快照，请稍后重试", Go SDK cbs
  // client.go / errors.go): one snapshot at a time per disk.
  const busy = Object.values(ctx.world.store.state.snapshots).find(
    (x) => x.diskId === disk.id && x.state === 'CREATING',
  );
  if (busy) {
    throw new ApiError(
      'InvalidDisk.SnapshotCreating',
      `The disk \`${disk.id}\` already has snapshot ${busy.id} being created; try again later.`,
    );
  }
  const id = newId('snap');
  const to = (ctx.resultState ?? 'NORMAL') as SnapshotState;
  ctx.world.store.state.snapshots[id] = {
    id,
    region: ctx.region,
    name,
    diskId: disk.id,
    diskUsage: disk.usage,
    sizeGb: disk.sizeGb,
    state: 'CREATING',
    pending: { to, at: ctx.now + ctx.world.durations.snapshotCreateMs, from: ctx.now },
    createdTime: isoSeconds(ctx.now),
    imageIds: [],
    fsUuid: disk.fsUuid,
    fsLabel: disk.fsLabel,
    tags,
  };
  return { SnapshotId: id };
}

function describeSnapshots(params: Params, ctx: ActionContext): Body<cbs.DescribeSnapshotsResponse> {
  const p = reader<cbs.DescribeSnapshotsRequest>(params);
  const s = ctx.world.store.state;
  const ids = p.strList('SnapshotIds');
  const filters = readFilters(p.raw('Filters'));
  if (ids && filters.length)
    throw new ApiError('InvalidParameter', 'SnapshotIds and Filters cannot be specified together.');
  const all = [...visible(s, Object.values(s.snapshots), ctx.now), ...ghosts(s, 'snapshots', ctx.now)]
    .filter((x) => x.region === ctx.region)
    .sort((a, b) => b.createdTime.localeCompare(a.createdTime) || a.id.localeCompare(b.id));
  const found = ids ? all.filter((x) => ids.includes(x.id)) : applyFilters(all, filters, SNAPSHOT_FILTERS);
  return {
    TotalCount: found.length,
    SnapshotSet: page(found, params, 20, 100).map((x) => snapshotView(s, x, ctx.now)),
  };
}

function deleteSnapshots(params: Params, ctx: ActionContext): Body<cbs.DeleteSnapshotsResponse> {
  const p = reader<cbs.DeleteSnapshotsRequest>(params);
  const s = ctx.world.store.state;
  const ids = p.strList('SnapshotIds');
  if (!ids?.length) throw missing('SnapshotIds');
  const withImages = p.bool('DeleteBindImages') ?? false;
  const snaps = ids.map((id, i) => snapshotIn(s, ctx.region, id, `SnapshotIds.${i}`));
  for (const snap of snaps) {
    if (snap.state === 'CREATING') {
      throw new ApiError('ResourceUnavailable.SnapshotCreating', `The snapshot \`${snap.id}\` is still being created.`);
    }
    if (snap.imageIds.length && !withImages) {
      throw new ApiError(
        'UnsupportedOperation.SnapshotHasBindedImage',
        `The snapshot \`${snap.id}\` is bound to image ${snap.imageIds.join(', ')}; delete the image first or pass DeleteBindImages.`,
      );
    }
    for (const imageId of snap.imageIds) {
      const img = s.images[imageId];
      if (img && (img.state === 'CREATING' || img.state === 'SYNCING')) {
        throw new ApiError('InvalidImageId.IncorrectState', `The bound image \`${imageId}\` is ${img.state}.`);
      }
    }
  }
  for (const snap of snaps) {
    for (const imageId of snap.imageIds) {
      const img = s.images[imageId];
      if (!img) continue;
      // Deleting the image frees its other snapshots, which remain (unbound) as ordinary snapshots.
      for (const other of img.snapshotIds) {
        const o = s.snapshots[other];
        if (o) o.imageIds = o.imageIds.filter((x) => x !== imageId);
      }
      rememberDeleted(s, 'images', img, ctx.now);
      delete s.images[imageId];
      ctx.world.guests.removeImage(imageId);
    }
    rememberDeleted(s, 'snapshots', snap, ctx.now);
    delete s.snapshots[snap.id];
  }
  return {};
}

export const snapshotActions: ActionDef[] = [
  { service: 'cbs', version: V, action: 'CreateSnapshot', handler: createSnapshot, rateLimit: 20 },
  { service: 'cbs', version: V, action: 'DescribeSnapshots', handler: describeSnapshots, rateLimit: 20 },
  { service: 'cbs', version: V, action: 'DeleteSnapshots', handler: deleteSnapshots, rateLimit: 20 },
];
