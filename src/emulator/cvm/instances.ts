/** CVM instance actions: DescribeInstances, DescribeInstancesStatus, StopInstances, StartInstances, TerminateInstances. */
import type * as cvm from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import { type ActionContext, type ActionDef, reader } from '../core/context';
import { ApiError, invalidValue, missing } from '../core/errors';
import { visible } from '../core/consistency';
import { applyFilters, readFilters, type FilterTable } from '../core/filters';
import { page, type Params } from '../core/params';
import type { InstanceRecord, InstanceState } from '../state/types';
import { assertIdle, beginOperation, instanceIn } from './lifecycle';
import { instanceView } from './views';

type Body<T> = Omit<T, 'RequestId'>;
const V = '2017-03-12';

const INSTANCE_FILTERS: FilterTable<InstanceRecord> = {
  zone: (i, v) => i.zone === v,
  'instance-id': (i, v) => i.id === v,
  'instance-name': (i, v) => i.instanceName.includes(v),
  'instance-state': (i, v) => i.state === v,
  'instance-type': (i, v) => i.instanceType === v,
  'image-id': (i, v) => i.imageId === v,
  'tag-key': (i, v) => i.tags.some((t) => t.Key === v),
  'tag:': (i, kv) => i.tags.some((t) => `${t.Key}=${t.Value}` === kv),
};

function select(params: Params, ctx: ActionContext): InstanceRecord[] {
  const p = reader<cvm.DescribeInstancesRequest>(params);
  const ids = p.strList('InstanceIds');
  const filters = readFilters(p.raw('Filters'));
  if (ids && filters.length) {
    // The model's InstanceIds member says both cannot be given together; DescribeInstances' error list has no
    // InvalidParameterCombination, so the refusal is its documented InvalidParameter.
    throw new ApiError('InvalidParameter', 'InstanceIds and Filters cannot be specified together.');
  }
  if (ids && ids.length > 100) throw invalidValue('InstanceIds', 'at most 100 ids');
  for (const id of ids ?? []) {
    if (!/^ins-[a-z0-9]{8}$/.test(id))
      throw new ApiError('InvalidInstanceId.Malformed', `The instance id \`${id}\` is malformed.`);
  }
  const all = visible(ctx.world.store.state, Object.values(ctx.world.store.state.instances), ctx.now)
    .filter((i) => i.region === ctx.region)
    .sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.id.localeCompare(b.id));
  return ids ? all.filter((i) => ids.includes(i.id)) : applyFilters(all, filters, INSTANCE_FILTERS);
}

function describeInstances(params: Params, ctx: ActionContext): Body<cvm.DescribeInstancesResponse> {
  const found = select(params, ctx);
  const s = ctx.world.store.state;
  return { TotalCount: found.length, InstanceSet: page(found, params, 20, 100).map((i) => instanceView(s, i)) };
}

function describeInstancesStatus(params: Params, ctx: ActionContext): Body<cvm.DescribeInstancesStatusResponse> {
  const p = reader<cvm.DescribeInstancesStatusRequest>(params);
  const ids = p.strList('InstanceIds');
  const found = Object.values(ctx.world.store.state.instances).filter(
    (i) => i.region === ctx.region && (!ids || ids.includes(i.id)),
  );
  return {
    TotalCount: found.length,
    InstanceStatusSet: page(found, params, 20, 100).map((i) => ({ InstanceId: i.id, InstanceState: i.state })),
  };
}

const pascal = (state: string) =>
  state
    .toLowerCase()
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');

/** Tencent's per-state refusal codes, e.g. UnsupportedOperation.InstanceStateStopped. */
function wrongState(rec: InstanceRecord, action: string): ApiError {
  return new ApiError(
    `UnsupportedOperation.InstanceState${pascal(rec.state)}`,
    `Instance ${rec.id} is ${rec.state}; ${action} is not supported in this state.`,
  );
}

/** Validates every instance first, so a batch either starts as a whole or changes nothing. */
function targets(params: Params, ctx: ActionContext, allowed: InstanceState[], action: string): InstanceRecord[] {
  const p = reader<cvm.StopInstancesRequest>(params);
  const ids = p.strList('InstanceIds');
  if (!ids || ids.length === 0) throw missing('InstanceIds');
  if (ids.length > 100) throw invalidValue('InstanceIds', 'at most 100 ids');
  const recs = ids.map((id) => instanceIn(ctx.world.store.state, ctx.region, id));
  for (const rec of recs) {
    assertIdle(rec);
    if (!allowed.includes(rec.state)) throw wrongState(rec, action);
  }
  return recs;
}

function dryRun(params: Params): void {
  if (params.DryRun === true || params.DryRun === 'true') {
    throw new ApiError('DryRunOperation', 'The request would have succeeded; DryRun is set.');
  }
}

function stopInstances(params: Params, ctx: ActionContext): Body<cvm.StopInstancesResponse> {
  const p = reader<cvm.StopInstancesRequest>(params);
  const stopType = p.str('StopType') ?? 'SOFT';
  if (!['SOFT', 'HARD', 'SOFT_FIRST'].includes(stopType)) invalid('StopType', 'SOFT, HARD or SOFT_FIRST');
  const stoppedMode = p.str('StoppedMode') ?? 'KEEP_CHARGING';
  if (!['KEEP_CHARGING', 'STOP_CHARGING'].includes(stoppedMode))
    invalid('StoppedMode', 'KEEP_CHARGING or STOP_CHARGING');
  const recs = targets(params, ctx, ['RUNNING'], 'StopInstances');
  dryRun(params);
  const at =
    ctx.now +
    (stopType === 'HARD' ? Math.round(ctx.world.durations.instanceStopMs / 3) : ctx.world.durations.instanceStopMs);
  for (const rec of recs) {
    beginOperation(rec, 'StopInstances', ctx.requestId, 'STOPPING', { to: 'STOPPED', at, from: ctx.now });
    rec.stoppedMode = stoppedMode;
  }
  return {};
}

function startInstances(params: Params, ctx: ActionContext): Body<cvm.StartInstancesResponse> {
  const recs = targets(params, ctx, ['STOPPED'], 'StartInstances');
  dryRun(params);
  const at = ctx.now + ctx.world.durations.instanceStartMs;
  for (const rec of recs) {
    beginOperation(rec, 'StartInstances', ctx.requestId, 'STARTING', { to: 'RUNNING', at, from: ctx.now });
    rec.stoppedMode = undefined;
  }
  return {};
}

function terminateInstances(params: Params, ctx: ActionContext): Body<cvm.TerminateInstancesResponse> {
  // LAUNCH_FAILED is refused: TerminateInstances documents UnsupportedOperation.InstanceStateLaunchFailed.
  const recs = targets(params, ctx, ['RUNNING', 'STOPPED'], 'TerminateInstances');
  dryRun(params);
  const at = ctx.now + ctx.world.durations.instanceTerminateMs;
  for (const rec of recs) {
    beginOperation(rec, 'TerminateInstances', ctx.requestId, 'TERMINATING', { to: 'TERMINATED', at, from: ctx.now });
  }
  return {};
}

function invalid(field: string, allowed: string): never {
  throw invalidValue(field, `must be ${allowed}`);
}

export const instanceActions: ActionDef[] = [
  { service: 'cvm', version: V, action: 'DescribeInstances', handler: describeInstances, rateLimit: 40 },
  { service: 'cvm', version: V, action: 'DescribeInstancesStatus', handler: describeInstancesStatus, rateLimit: 40 },
  { service: 'cvm', version: V, action: 'StopInstances', handler: stopInstances, rateLimit: 10 },
  { service: 'cvm', version: V, action: 'StartInstances', handler: startInstances, rateLimit: 10 },
  { service: 'cvm', version: V, action: 'TerminateInstances', handler: terminateInstances, rateLimit: 10 },
];
