/** TAT actions: RunCommand (really runs the script), DescribeInvocationTasks, DescribeAutomationAgentStatus. */
import type * as tat from 'tencentcloud-sdk-nodejs/tencentcloud/services/tat/v20201028/tat_models';
import { existsSync, statSync } from 'node:fs';
import { type ActionContext, type ActionDef, reader } from '../core/context';
import { ApiError, invalidValue, missing } from '../core/errors';
import { applyFilters, readFilters, type FilterTable } from '../core/filters';
import { isoSeconds, newId } from '../core/ids';
import { page, type Params } from '../core/params';
import { agentOnline } from '../cvm/lifecycle';
import type { InstanceRecord, TaskRecord, TaskStatus } from '../state/types';
import { taskDisks } from './disks';
import { settleLostTasks } from './lost-tasks';

type Body<T> = Omit<T, 'RequestId'>;
const V = '2020-10-28';
const MAX_CONTENT = 64 * 1024;

function tatInstance(ctx: ActionContext, id: string, field: string): InstanceRecord {
  if (!/^ins-[a-z0-9]{8}$/.test(id)) {
    throw new ApiError('InvalidParameterValue.InvalidInstanceId', `\`${field}\` ${id} is not a valid instance id.`);
  }
  const rec = ctx.world.store.state.instances[id];
  if (!rec || rec.region !== ctx.region) {
    throw new ApiError(
      'ResourceNotFound.InstanceNotFound',
      `The instance \`${id}\` (${field}) does not exist in ${ctx.region}.`,
    );
  }
  return rec;
}

function decodeContent(content: string): string {
  if (content.length > MAX_CONTENT)
    throw new ApiError('InvalidParameterValue.CommandContentInvalid', '`Content` exceeds 64 KB.');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content) || content.length % 4 !== 0) {
    throw new ApiError('InvalidParameterValue.CommandContentInvalid', '`Content` must be base64-encoded.');
  }
  return Buffer.from(content, 'base64').toString('utf8');
}

export function validCommandName(name: string): boolean {
  return /^[\p{Script=Han}A-Za-z0-9_.-]+$/u.test(name) && Buffer.byteLength(name, 'utf8') <= 60;
}

function runCommand(params: Params, ctx: ActionContext): Body<tat.RunCommandResponse> {
  const p = reader<tat.RunCommandRequest>(params);
  const { world } = ctx;
  const s = world.store.state;
  const content = p.requiredStr('Content');
  const script = decodeContent(content);
  const ids = p.strList('InstanceIds');
  if (!ids?.length) throw missing('InstanceIds');
  if (ids.length > 200) throw invalidValue('InstanceIds', 'at most 200 instances');
  const commandType = p.str('CommandType') ?? 'SHELL';
  if (commandType !== 'SHELL') throw invalidValue('CommandType', 'must be SHELL for Linux instances');
  const timeoutSec = p.int('Timeout') ?? 60;
  if (timeoutSec < 1 || timeoutSec > 86400) throw invalidValue('Timeout', 'must be between 1 and 86400 seconds');
  const workingDirectory = p.str('WorkingDirectory');
  // "名称仅支持中文、英文、数字、下划线、分隔符"-"、小数点，最大长度不能超60个字节" (RunCommandRequest.CommandName,
  // tccli tat api.json); RunCommand documents InvalidParameterValue.InvalidCommandName.
  const commandName = p.str('CommandName');
  if (commandName !== undefined && !validCommandName(commandName)) {
    throw new ApiError(
      'InvalidParameterValue.InvalidCommandName',
      '`CommandName` may hold only Chinese characters, letters, digits, `_`, `-` and `.`, at most 60 bytes.',
    );
  }
  const instances = ids.map((id, i) => tatInstance(ctx, id, `InstanceIds.${i}`));
  for (const inst of instances) {
    if (inst.state !== 'RUNNING') {
      throw new ApiError(
        'ResourceUnavailable.InstanceStateNotRunning',
        `Instance ${inst.id} is ${inst.state}, not RUNNING.`,
      );
    }
    if (!agentOnline(inst)) {
      throw new ApiError(
        'ResourceUnavailable.AgentStatusNotOnline',
        `The TAT agent of instance ${inst.id} is not online.`,
      );
    }
  }
  const invocationId = newId('inv');
  const commandId = newId('cmd');
  const created = isoSeconds(ctx.now);
  const forced = ctx.resultState as TaskStatus | undefined;
  s.invocations[invocationId] = {
    id: invocationId,
    region: ctx.region,
    commandId,
    commandType,
    content,
    timeoutSec,
    workingDirectory,
    instanceIds: ids,
    taskIds: [],
    created,
  };
  for (const inst of instances) {
    const task: TaskRecord = {
      id: newId('invt'),
      invocationId,
      instanceId: inst.id,
      region: ctx.region,
      status: 'RUNNING',
      output: '',
      created,
      start: created,
    };
    s.tasks[task.id] = task;
    s.invocations[invocationId].taskIds.push(task.id);
    const root = world.guests.instanceRoot(inst.id);
    const wd = workingDirectory ? world.guests.hostPath(root, workingDirectory) : root;
    void world.runner
      .run({
        taskId: task.id,
        script,
        guestRoot: root,
        cwd: existsSync(wd) && statSync(wd).isDirectory() ? wd : root,
        timeoutSec,
        disks: taskDisks(s, inst),
        onStart: (pgid) => (task.pgid = pgid),
      })
      .then((r) => {
        const rec = world.store.state.tasks[task.id];
        if (!rec || r.status === 'STOPPED') return; // reset meanwhile; or the emulator is stopping (lost-tasks.ts)
        delete rec.pgid;
        Object.assign(rec, {
          status: forced ?? r.status,
          exitCode: r.exitCode,
          output: r.output.toString('base64'),
          dropped: r.dropped,
          end: isoSeconds(r.end),
        });
        world.store.recordSettled({ kind: 'task', id: task.id, state: rec.status, at: r.end });
        world.store.save();
      });
  }
  return { CommandId: commandId, InvocationId: invocationId };
}

// `command-id` is matched through the invocation, below.
const TASK_FILTERS: FilterTable<TaskRecord> = {
  'invocation-id': (t, v) => t.invocationId === v,
  'invocation-task-id': (t, v) => t.id === v,
  'instance-id': (t, v) => t.instanceId === v,
};

function describeInvocationTasks(params: Params, ctx: ActionContext): Body<tat.DescribeInvocationTasksResponse> {
  const p = reader<tat.DescribeInvocationTasksRequest>(params);
  const s = ctx.world.store.state;
  settleLostTasks(s, ctx.now);
  const ids = p.strList('InvocationTaskIds');
  const filters = readFilters(p.raw('Filters'));
  if (ids && filters.length)
    throw new ApiError('InvalidParameter', 'InvocationTaskIds and Filters cannot be specified together.');
  const commandFilter = filters.find((f) => f.Name === 'command-id');
  const all = Object.values(s.tasks).filter(
    (t) =>
      t.region === ctx.region &&
      (!commandFilter || commandFilter.Values.includes(s.invocations[t.invocationId]?.commandId)),
  );
  const found = ids
    ? all.filter((t) => ids.includes(t.id))
    : applyFilters(
        all,
        filters.filter((f) => f.Name !== 'command-id'),
        TASK_FILTERS,
      );
  const hide = p.bool('HideOutput') ?? false;
  return {
    TotalCount: found.length,
    InvocationTaskSet: page(found, params, 20, 100)
      .map(reportable)
      .map((t) => ({
        InvocationId: t.invocationId,
        InvocationTaskId: t.id,
        CommandId: s.invocations[t.invocationId]?.commandId,
        TaskStatus: t.status,
        InstanceId: t.instanceId,
        TaskResult: {
          ExitCode: t.exitCode ?? 0,
          Output: hide ? '' : t.output,
          ExecStartTime: t.start ?? '',
          ExecEndTime: t.end ?? '',
          Dropped: t.dropped ?? 0,
        },
        StartTime: t.start ?? '',
        EndTime: t.end ?? '',
        CreatedTime: t.created,
        UpdatedTime: t.end ?? t.start ?? t.created,
        ErrorInfo: t.errorInfo ?? '',
        InvocationSource: 'USER',
      })),
  };
}

/**
 * The agent reports asynchronously: a task is always seen RUNNING at least once before its result, however
 * fast the script, so pollers meet the same sequence as on Tencent Cloud (and tests can rely on it).
 */
function reportable(t: TaskRecord): TaskRecord {
  if (t.observedRunning) return t;
  t.observedRunning = true;
  return { ...t, status: 'RUNNING', exitCode: undefined, output: '', end: undefined, dropped: undefined };
}

const AGENT_FILTERS: FilterTable<InstanceRecord> = {
  'agent-status': (i, v) => (agentOnline(i) ? 'Online' : 'Offline') === v,
  environment: (_i, v) => v === 'Linux',
  'instance-id': (i, v) => i.id === v,
};

function describeAutomationAgentStatus(
  params: Params,
  ctx: ActionContext,
): Body<tat.DescribeAutomationAgentStatusResponse> {
  const p = reader<tat.DescribeAutomationAgentStatusRequest>(params);
  const ids = p.strList('InstanceIds');
  const filters = readFilters(p.raw('Filters'));
  if (ids && filters.length)
    throw new ApiError('InvalidParameter', 'InstanceIds and Filters cannot be specified together.');
  ids?.forEach((id, i) => {
    if (!/^ins-[a-z0-9]{8}$/.test(id))
      throw new ApiError('InvalidParameterValue.InvalidInstanceId', `\`InstanceIds.${i}\` ${id} is not valid.`);
  });
  const all = Object.values(ctx.world.store.state.instances).filter((i) => i.region === ctx.region);
  const found = ids ? all.filter((i) => ids.includes(i.id)) : applyFilters(all, filters, AGENT_FILTERS);
  return {
    TotalCount: found.length,
    AutomationAgentSet: page(found, params, 20, 100).map((i) => ({
      InstanceId: i.id,
      Version: '1.1.0',
      LastHeartbeatTime: agentOnline(i) ? isoSeconds(ctx.now) : i.createdTime,
      AgentStatus: agentOnline(i) ? 'Online' : 'Offline',
      Environment: 'Linux',
      SupportFeatures: ['CommandRunning', 'FileDownload'],
    })),
  };
}

export const tatActions: ActionDef[] = [
  { service: 'tat', version: V, action: 'RunCommand', handler: runCommand, rateLimit: 20 },
  { service: 'tat', version: V, action: 'DescribeInvocationTasks', handler: describeInvocationTasks, rateLimit: 20 },
  {
    service: 'tat',
    version: V,
    action: 'DescribeAutomationAgentStatus',
    handler: describeAutomationAgentStatus,
    rateLimit: 20,
  },
];
