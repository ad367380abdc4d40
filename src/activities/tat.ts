/**
 * The guest over TAT, the one module that sends TAT's actions (RunCommand, DescribeInvocationTasks,
 * DescribeAutomationAgentStatus). Runs a shell script on an instance over TAT (RunCommand) and waits for its result, heartbeating. A retry
 * of the activity picks up the invocation an earlier attempt started instead of running the script again.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type {
  DescribeAutomationAgentStatusRequest,
  DescribeAutomationAgentStatusResponse,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/tat/v20201028/tat_models';
import type { ActivityRuntime } from './runtime';
import type { TencentApi } from './tencent-api';
import { NON_RETRYABLE, RETRYABLE_TENCENT_ERROR } from '../contract';

const FINAL = new Set([
  'SUCCESS',
  'FAILED',
  'TIMEOUT',
  'TASK_TIMEOUT',
  'START_FAILED',
  'DELIVER_FAILED',
  'CANCELLED',
  'TERMINATED',
]);

export interface ShellResult {
  exitCode: number;
  output: string;
  /**
   * Bytes of output TAT cut: TaskResult.Output is "Base64编码后的命令输出。最大长度24KB" (base64 of the output, at
   * most 24 KB) and TaskResult.Dropped "命令最终输出被截断的字节数" (bytes of the final output truncated), per
   * tencentcloud-sdk-nodejs tat/v20201028/tat_models.d.ts. A caller that needs the whole output checks it.
   */
  dropped: number;
}

/**
 * A name RunCommand accepts: only Chinese characters, letters, digits, `_`, `-` and `.`, at most 60 bytes
 * (RunCommandRequest.CommandName, tccli tat api.json; else InvalidParameterValue.InvalidCommandName).
 */
export function tatCommandName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');
  return (safe || 'command').slice(0, 60);
}

interface ShellDetails {
  invocations: Record<string, string>;
}

export async function runShell(
  rt: ActivityRuntime,
  region: string,
  instanceId: string,
  script: string,
  commandName: string,
  timeoutSeconds = 60,
): Promise<ShellResult> {
  const ctx = Context.current();
  const details: ShellDetails = {
    invocations: { ...(ctx.info.heartbeatDetails as ShellDetails | undefined)?.invocations },
  };
  let invocationId = details.invocations[instanceId];
  if (!invocationId) {
    const res = await rt.api.tat(region, 'RunCommand', (c) =>
      c.RunCommand({
        Content: Buffer.from(script, 'utf8').toString('base64'),
        InstanceIds: [instanceId],
        CommandType: 'SHELL',
        CommandName: tatCommandName(commandName),
        Timeout: timeoutSeconds,
        Username: 'root',
      }),
    );
    if (!res.InvocationId)
      throw ApplicationFailure.retryable('RunCommand returned no InvocationId', RETRYABLE_TENCENT_ERROR);
    invocationId = res.InvocationId;
    details.invocations[instanceId] = invocationId;
  }
  for (;;) {
    ctx.heartbeat(details);
    const res = await rt.api.tat(
      region,
      'DescribeInvocationTasks',
      (c) =>
        c.DescribeInvocationTasks({
          Filters: [
            { Name: 'invocation-id', Values: [invocationId] },
            { Name: 'instance-id', Values: [instanceId] },
          ],
          HideOutput: false,
        }),
      undefined,
      true, // a delivered script runs on after a cancel: keep watching it until it ends
    );
    const task = res.InvocationTaskSet?.[0];
    const status = task?.TaskStatus;
    if (status && FINAL.has(status)) {
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
      const output = Buffer.from(task?.TaskResult?.Output ?? '', 'base64').toString('utf8');
      const exitCode = task?.TaskResult?.ExitCode ?? -1;
      const dropped = task?.TaskResult?.Dropped ?? 0;
      if (status === 'SUCCESS') return { exitCode, output, dropped };
      if (status === 'FAILED') {
        throw ApplicationFailure.nonRetryable(
          `${commandName} failed on ${instanceId} with exit code ${exitCode}: ${tail(output)}`,
          NON_RETRYABLE.guestCommandFailed,
          { instanceId, invocationId, exitCode, output: tail(output) },
        );
      }
      // Timeouts and delivery problems: the next attempt runs the script afresh.
      ctx.heartbeat({ invocations: { ...details.invocations, [instanceId]: '' } });
      throw ApplicationFailure.retryable(
        `${commandName} on ${instanceId} ended ${status}${task?.ErrorInfo ? `: ${task.ErrorInfo}` : ''}`,
        RETRYABLE_TENCENT_ERROR,
      );
    }
    // Not ctx.sleep: a script already delivered runs on when the activity is cancelled, so the activity waits
    // for it to end before it acknowledges the cancel; an undo script never runs beside it.
    await new Promise((r) => setTimeout(r, rt.pollIntervalMs));
  }
}

/**
 * The end of a failed command's output, with option values that look like secrets hidden (password=,
 * credentials=, username=… as in a CIFS fstab line): it becomes a failure message, kept in the history.
 */
function tail(text: string, max = 2000): string {
  const clipped = text.length > max ? `…${text.slice(-max)}` : text;
  return redactSecrets(clipped);
}

export function redactSecrets(text: string): string {
  return text
    .replace(/\b(pass(?:word|wd)?|credentials?|cred|user(?:name)?|domain|secret|token|key|auth)=[^,\s]*/gi, '$1=***')
    .replace(/(\/\/|:\/\/)[^/@\s:]+:[^/@\s]*@/g, '$1***@');
}

/** Whether the TAT agents of these instances are online (the pollers batch it). */
export function describeAgents(
  api: TencentApi,
  region: string,
  request: DescribeAutomationAgentStatusRequest,
  signal?: AbortSignal,
): Promise<DescribeAutomationAgentStatusResponse> {
  return api.tat(region, 'DescribeAutomationAgentStatus', (c) => c.DescribeAutomationAgentStatus(request), signal);
}
