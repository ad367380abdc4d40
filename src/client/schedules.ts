/**
 * Temporal Schedules for the image lifecycle: periodic retention (`rotateImages`) and periodic refresh
 * of an image (`refreshCustomImage`, which runs createCustomImage with a dated name). The input is
 * checked with the workflows' own validators first, so a bad schedule is never created.
 */
import { ScheduleOverlapPolicy, type Client, type ScheduleSpec, type ScheduleSummary } from '@temporalio/client';
import { formatDuration, parseDuration } from '../workflows/durations';
import {
  REFRESH_WORKFLOW_TYPE,
  ROTATE_WORKFLOW_TYPE,
  refreshScheduleId,
  refreshSuffix,
  rotationScheduleId,
  RECONCILE_WORKFLOW_TYPE,
  type RefreshCustomImageInput,
  type RotateImagesInput,
  type CreateCustomImageInput,
} from '../contract';
import { lifecycleProblems, validateRefreshInput, validateRotateInput } from '../workflows/lifecycle-validation';
import { validateInput } from '../workflows/validation';

/** An interval such as "1d" or "6h" (at least 1 s), or a cron expression such as "0 3 * * *" (UTC). */
export type ScheduleTiming = { every: string } | { cron: string };

export interface ScheduleOptions {
  /** Defaults to `cvm-image-rotate/<region>/<scope>` or `cvm-image-refresh/<region>/<instanceId>`. */
  scheduleId?: string;
  taskQueue: string;
  timing: ScheduleTiming;
}

export interface ImageSchedule {
  scheduleId: string;
  kind: 'rotate' | 'refresh' | 'janitor';
  /** "every 1d" or "cron 0 3 * * *". */
  timing: string;
  /** What each run does, in words. */
  summary: string;
  paused: boolean;
  nextRunTimes: Date[];
  recentRuns: { scheduledAt: Date; workflowId?: string }[];
}

/** Bad schedule input, by field; nothing was created. */
export class InvalidScheduleError extends Error {
  constructor(readonly problems: { field: string; message: string }[]) {
    super(`invalid schedule: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'InvalidScheduleError';
  }
}

const MEMO_KEY = 'cvmImage';
interface ScheduleMemo {
  kind: ImageSchedule['kind'];
  timing: string;
  summary: string;
}

function timingSpec(timing: ScheduleTiming): { spec: ScheduleSpec; text: string } {
  if ('every' in timing) {
    const ms = parseDuration(timing.every);
    if (ms === undefined || ms < 1000) {
      throw new InvalidScheduleError([
        { field: 'every', message: 'must be a duration of at least 1s such as "6h" or "1d"' },
      ]);
    }
    return { spec: { intervals: [{ every: ms }] }, text: `every ${formatDuration(ms)}` };
  }
  const cron = timing.cron.trim();
  if (!cron)
    throw new InvalidScheduleError([{ field: 'cron', message: 'must be a cron expression such as "0 3 * * *"' }]);
  return { spec: { cronExpressions: [cron] }, text: `cron ${cron}` };
}

async function create(
  client: Client,
  scheduleId: string,
  workflowType: string,
  input: unknown,
  opts: ScheduleOptions,
  memo: Omit<ScheduleMemo, 'timing'>,
): Promise<string> {
  const { spec, text } = timingSpec(opts.timing);
  await client.schedule.create({
    scheduleId,
    spec,
    action: {
      type: 'startWorkflow',
      workflowType,
      args: [input],
      taskQueue: opts.taskQueue,
      workflowId: scheduleId, // Temporal appends the scheduled time
      staticSummary: memo.summary,
    },
    // A run still going when the next is due (a slow image): skip, never two at once.
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
    memo: { [MEMO_KEY]: { ...memo, timing: text } satisfies ScheduleMemo },
  });
  return scheduleId;
}

/** Retention on a schedule: `rotateImages` with this input at every tick. */
export async function scheduleRotation(
  client: Client,
  input: RotateImagesInput,
  opts: ScheduleOptions,
): Promise<string> {
  const problems = lifecycleProblems(() => validateRotateInput(input));
  if (problems.length) throw new InvalidScheduleError(problems);
  const scope = input.imageFamily
    ? `family ${input.imageFamily}`
    : input.groupByTag
      ? `tag ${input.groupByTag}`
      : 'every group';
  const summary = `Rotate ${input.region}: keep the newest ${input.keep} (${scope})${input.dryRun ? ', dry run' : ''}`;
  return create(client, opts.scheduleId ?? rotationScheduleId(input), ROTATE_WORKFLOW_TYPE, input, opts, {
    kind: 'rotate',
    summary,
  });
}

/** A fresh image on a schedule: createCustomImage with `pipeline.imageName` as the name prefix. */
export async function scheduleRefresh(
  client: Client,
  pipeline: CreateCustomImageInput,
  opts: ScheduleOptions,
): Promise<string> {
  const input: RefreshCustomImageInput = { pipeline };
  // The prefix, then the whole input as the runs will see it (prefix plus a timestamp).
  const sample = { ...pipeline, imageName: `${pipeline.imageName}${refreshSuffix(new Date())}` };
  const problems = lifecycleProblems(() => validateRefreshInput(input));
  if (!problems.length) problems.push(...lifecycleProblems(() => validateInput(sample)));
  if (problems.length) throw new InvalidScheduleError(problems);
  const summary = `Refresh image ${pipeline.imageName}-<date> from ${pipeline.instanceId} in ${pipeline.region}`;
  return create(
    client,
    opts.scheduleId ?? refreshScheduleId(pipeline.region, pipeline.instanceId),
    REFRESH_WORKFLOW_TYPE,
    input,
    opts,
    { kind: 'refresh', summary },
  );
}

/**
 * The janitor on a schedule: `reconcileOrphans` for a region at every tick, applying (`apply: true`) or
 * only reporting. Its id is `cvm-image-janitor/<region>`.
 */
export async function scheduleJanitor(
  client: Client,
  input: { region: string; apply?: boolean; closedWithinHours?: number },
  opts: ScheduleOptions,
): Promise<string> {
  if (typeof input.region !== 'string' || !/^[a-z]+(-[a-z]+)+(-\d+)?$/.test(input.region))
    throw new InvalidScheduleError([{ field: 'region', message: 'must be a region such as ap-guangzhou' }]);
  const summary = `Janitor for ${input.region}${input.apply ? '' : ', dry run'}`;
  return create(client, opts.scheduleId ?? `cvm-image-janitor/${input.region}`, RECONCILE_WORKFLOW_TYPE, input, opts, {
    kind: 'janitor',
    summary,
  });
}

function toImageSchedule(s: ScheduleSummary): ImageSchedule | undefined {
  const type = s.action?.type === 'startWorkflow' ? s.action.workflowType : undefined;
  if (type !== ROTATE_WORKFLOW_TYPE && type !== REFRESH_WORKFLOW_TYPE && type !== RECONCILE_WORKFLOW_TYPE)
    return undefined;
  const memo = s.memo?.[MEMO_KEY] as ScheduleMemo | undefined;
  return {
    scheduleId: s.scheduleId,
    kind: type === ROTATE_WORKFLOW_TYPE ? 'rotate' : type === REFRESH_WORKFLOW_TYPE ? 'refresh' : 'janitor',
    timing: memo?.timing ?? '?',
    summary: memo?.summary ?? type,
    paused: s.state.paused,
    nextRunTimes: s.info?.nextActionTimes ?? [],
    recentRuns: (s.info?.recentActions ?? []).map((a) => ({
      scheduledAt: a.scheduledAt,
      workflowId: a.action.type === 'startWorkflow' ? a.action.workflow.workflowId : undefined,
    })),
  };
}

/** The rotation and refresh schedules of the namespace (others are left out). The list comes from visibility and is
 * eventually consistent (the SDKs' list_schedules docs: "if a schedule is added or deleted, it may not be available
 * in the list immediately"); `client.schedule.getHandle(id).describe()` reads one schedule consistently. */
export async function listImageSchedules(client: Client): Promise<ImageSchedule[]> {
  const out: ImageSchedule[] = [];
  for await (const s of client.schedule.list()) {
    const mine = toImageSchedule(s);
    if (mine) out.push(mine);
  }
  return out.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}

/** Deletes a schedule (runs it already started are not affected). */
export async function deleteImageSchedule(client: Client, scheduleId: string): Promise<void> {
  await client.schedule.getHandle(scheduleId).delete();
}
