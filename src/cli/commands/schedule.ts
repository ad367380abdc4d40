/**
 * `cvm-image schedule rotate|create|list|delete`: Temporal Schedules for retention (rotateImages) and
 * periodic refresh of an image (createCustomImage with a dated name). Input is checked with the
 * workflows' validators before anything is created; problems name the flag to fix.
 */
import { Command, Option } from 'commander';
import { ScheduleAlreadyRunning, ScheduleNotFoundError } from '@temporalio/client';
import {
  InvalidScheduleError,
  deleteImageSchedule,
  listImageSchedules,
  scheduleRefresh,
  scheduleRotation,
  type ScheduleTiming,
} from '../../client/schedules';
import { taskQueueFromEnv } from '../../temporal/connection';
import type { RotateImagesInput } from '../../contract';
import { withClient, type CliIO } from '../context';
import { CliError } from '../errors';
import {
  DATA_DISK_MODES,
  FSTAB_MODES,
  SHUTDOWN_MODES,
  flagForField,
  inputFromFlags,
  parsePositiveInt,
  parseTag,
  type CreateFlags,
} from '../input-flags';
import { formatSchedules } from '../lifecycle-format';

interface TimingFlags {
  every?: string;
  cron?: string;
  scheduleId?: string;
  taskQueue?: string;
}

/** Which flag sets each rotateImages field, for problem messages. */
const ROTATE_FLAGS: Record<string, string> = {
  region: '--region',
  keep: '--keep',
  imageFamily: '--family',
  groupByTag: '--group-by-tag',
};

function withTiming(command: Command): Command {
  return command
    .option('--every <duration>', 'run at this interval, e.g. 6h or 1d')
    .option('--cron <expression>', 'run on this cron schedule (UTC), e.g. "0 3 * * *"')
    .option('--schedule-id <id>', 'override the default schedule id')
    .option('--task-queue <queue>', 'task queue of the workers (default CVM_IMAGE_TASK_QUEUE or cvm-image)');
}

function timingOf(flags: TimingFlags): ScheduleTiming {
  if (!flags.every === !flags.cron) throw new CliError('give exactly one of --every <duration> or --cron <expression>');
  return flags.every ? { every: flags.every } : { cron: flags.cron! };
}

/** A rejected input: one line per problem, with the flag to fix. */
function invalid(err: unknown, flagOf: (field: string) => string | undefined): never {
  if (!(err instanceof InvalidScheduleError)) throw err;
  const lines = err.problems.map(({ field, message }) => {
    const flag = flagOf(field);
    return `  ${flag ? `${flag} (${field})` : field}: ${message}`;
  });
  throw new CliError(`invalid schedule, nothing was created:\n${lines.join('\n')}`);
}

function explainCreateError(err: unknown, scheduleId: string | undefined): never {
  if (err instanceof ScheduleAlreadyRunning) {
    throw new CliError(`a schedule with id ${err.scheduleId} already exists (delete it first, or pass --schedule-id)`);
  }
  throw err ?? new Error(`could not create schedule ${scheduleId}`);
}

function rotateCommand(io: CliIO): Command {
  return withTiming(
    new Command('rotate')
      .description('keep the newest N images per family (or tag) made by this project, on a schedule')
      .requiredOption('--region <region>', 'region, e.g. ap-guangzhou')
      .requiredOption('--keep <n>', 'how many of the newest images to keep per group', parsePositiveInt)
      .option('--family <family>', 'only this image family')
      .option('--group-by-tag <key>', 'group images by the value of this tag instead of their family')
      .option('--dry-run', 'each run only lists what it would delete'),
  ).action(async (flags, command: Command) => {
    const timing = timingOf(flags);
    const input: RotateImagesInput = { region: flags.region, keep: flags.keep };
    if (flags.family) input.imageFamily = flags.family;
    if (flags.groupByTag) input.groupByTag = flags.groupByTag;
    if (flags.dryRun) input.dryRun = true;
    await withClient(command, io, async (client) => {
      const opts = { timing, scheduleId: flags.scheduleId, taskQueue: flags.taskQueue ?? taskQueueFromEnv() };
      const id = await scheduleRotation(client.temporal, input, opts).catch((err) => {
        if (err instanceof InvalidScheduleError) invalid(err, (f) => ROTATE_FLAGS[f] ?? `--${f}`);
        return explainCreateError(err, flags.scheduleId);
      });
      io.out.write(`Created schedule ${id}\nSee it: cvm-image schedule list\n`);
    });
  });
}

function createCommand(io: CliIO): Command {
  return withTiming(
    new Command('create')
      .description('bake a fresh image from an instance on a schedule (name: <prefix>-YYYYMMDD-HHMMSS)')
      .requiredOption('--region <region>', 'region of the instance, e.g. ap-guangzhou')
      .requiredOption('--instance-id <id>', 'source instance, e.g. ins-abc12345')
      .requiredOption('--image-name <prefix>', 'image name prefix (≤ 44 characters; a UTC timestamp is appended)')
      .option('--description <text>', 'image description')
      .option('--family <family>', 'image family (rotate it with `schedule rotate --family`)')
      .option('--tag <key=value>', 'image tag (repeatable)', parseTag)
      .addOption(new Option('--shutdown <mode>', 'when to stop the instance (default auto)').choices(SHUTDOWN_MODES))
      .addOption(new Option('--data-disks <mode>', 'data disks (default snapshot)').choices(DATA_DISK_MODES))
      .addOption(new Option('--fstab <mode>', 'data-disk lines in /etc/fstab (default fix)').choices(FSTAB_MODES))
      .option('--launch <count>', 'launch this many instances from each image to verify it', parsePositiveInt)
      .option('--launch-instance-type <type>', 'instance type of the launched instances')
      .option('--launch-zone <zone>', 'zone of the launched instances')
      .option('--image-timeout <duration>', 'upper bound for each image to become NORMAL, e.g. 2h'),
  ).action(async (flags: CreateFlags & TimingFlags, command: Command) => {
    const timing = timingOf(flags);
    let pipeline;
    try {
      pipeline = inputFromFlags(flags);
    } catch (err) {
      command.error(`error: ${(err as Error).message}`);
    }
    await withClient(command, io, async (client) => {
      const opts = { timing, scheduleId: flags.scheduleId, taskQueue: flags.taskQueue ?? taskQueueFromEnv() };
      const id = await scheduleRefresh(client.temporal, pipeline, opts).catch((err) => {
        if (err instanceof InvalidScheduleError) invalid(err, (f) => flagForField(f.replace(/^pipeline\./, '')));
        return explainCreateError(err, flags.scheduleId);
      });
      io.out.write(`Created schedule ${id}\nSee it: cvm-image schedule list\n`);
    });
  });
}

/** A command whose subcommands take the settings (output, help) the program gives it. */
class CommandGroup extends Command {
  override copyInheritedSettings(source: Command): this {
    super.copyInheritedSettings(source);
    for (const sub of this.commands) sub.copyInheritedSettings(this);
    return this;
  }
}

export function scheduleCommand(io: CliIO): Command {
  const schedule = new CommandGroup('schedule').description(
    'Temporal Schedules for image retention (rotate) and refresh (create)',
  );
  schedule.addCommand(rotateCommand(io));
  schedule.addCommand(createCommand(io));
  schedule.addCommand(
    new Command('list')
      .description('list rotation and refresh schedules')
      .option('--json', 'print JSON')
      .action(async (flags, command: Command) => {
        await withClient(command, io, async (client) => {
          const rows = await listImageSchedules(client.temporal);
          io.out.write(`${flags.json ? JSON.stringify(rows, null, 2) : formatSchedules(rows)}\n`);
        });
      }),
  );
  schedule.addCommand(
    new Command('delete')
      .description('delete a schedule (runs it already started are not affected)')
      .argument('<schedule-id>', 'as shown by `cvm-image schedule list`')
      .action(async (scheduleId: string, _flags, command: Command) => {
        await withClient(command, io, async (client) => {
          try {
            await deleteImageSchedule(client.temporal, scheduleId);
          } catch (err) {
            if (err instanceof ScheduleNotFoundError) throw new CliError(`no schedule with id ${scheduleId}`);
            throw err;
          }
          io.out.write(`Deleted schedule ${scheduleId}\n`);
        });
      }),
  );
  return schedule;
}
