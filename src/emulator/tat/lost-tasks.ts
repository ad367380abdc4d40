/**
 * Commands that were running when an earlier emulator process stopped. Their scripts died with it (the
 * runner's guard); a group still there — only if the guard itself was killed first — is killed now.
 *
 * What they report: Tencent's InvocationTask model lists `TASK_TIMEOUT: 客户端无响应` ("the client did
 * not respond") beside `FAILED: 命令执行失败，执行完退出码不为 0` ("the command ran and exited non-zero")
 * (tencentcloud-sdk-nodejs tat/v20201028/tat_models.d.ts). The docs do not say when TAT gives up on a
 * silent agent; like an agent lost mid-command, the task stays RUNNING until its Timeout has passed since it
 * started, then ends TASK_TIMEOUT. Never FAILED: a pipeline must not read it as "the script finished and
 * failed" and undo its work while it might still be running; TASK_TIMEOUT is retried (the script again).
 */
import { readFileSync } from 'node:fs';
import type { World } from '../core/context';
import { isoSeconds } from '../core/ids';
import type { EmulatorState, TaskRecord } from '../state/types';
import { GUARD_NAME } from './runner';

const LOST = 'the TAT agent stopped answering: the emulator restarted while the command ran';

/** At start, before serving: marks every RUNNING (or PENDING) task as lost, killing any group left over. */
export function loseInterruptedTasks(world: World): void {
  const s = world.store.state;
  for (const task of Object.values(s.tasks)) {
    if (task.status !== 'RUNNING' && task.status !== 'PENDING') continue;
    if (task.lostUntil !== undefined) continue; // lost by an earlier restart already
    if (task.pgid) killLeftover(task.pgid, task.id);
    const timeoutSec = s.invocations[task.invocationId]?.timeoutSec ?? 60;
    const started = Date.parse(task.start ?? task.created);
    task.lostUntil = (Number.isNaN(started) ? world.now() : started) + timeoutSec * 1000;
    delete task.pgid;
  }
  settleLostTasks(s, world.now());
}

/** Lost tasks whose deadline has come end TASK_TIMEOUT (called before tasks are described). */
export function settleLostTasks(s: EmulatorState, now: number): void {
  for (const task of Object.values(s.tasks)) {
    if (task.lostUntil === undefined || task.status !== 'RUNNING' || task.lostUntil > now) continue;
    end(task, task.lostUntil);
  }
}

function end(task: TaskRecord, at: number): void {
  Object.assign(task, { status: 'TASK_TIMEOUT', exitCode: 0, errorInfo: LOST, end: isoSeconds(at) });
}

/** Kills the group only if its leader is still our guard for this very task (pids are reused). */
function killLeftover(pgid: number, taskId: string): void {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pgid}/cmdline`, 'utf8');
  } catch {
    return; // gone (or no /proc: nothing to check it against, so nothing is killed)
  }
  const args = cmdline.split('\0');
  if (!args.includes(GUARD_NAME) || !args.includes(taskId)) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}
