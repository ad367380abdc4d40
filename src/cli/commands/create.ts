/** `cvm-image create`: start a pipeline from flags that mirror the workflow input; `--watch` follows it. */
import { Command, Option } from 'commander';
import type { PipelineClient } from '../../client/pipeline-client';
import { withClient, type CliIO } from '../context';
import { explainError } from '../errors';
import { formatResult } from '../format';
import { ApplicationFailure } from '@temporalio/common';
import type { CreateCustomImageInput } from '../../contract';
import { validateInput, type FieldProblem } from '../../client';
import {
  DATA_DISK_MODES,
  describeProblems,
  FSTAB_MODES,
  SHUTDOWN_MODES,
  inputFromFlags,
  collect,
  parsePositiveInt,
  parseTag,
  type CreateFlags,
} from '../input-flags';
import { watchPipeline } from '../watch';

interface CreateCommandFlags extends CreateFlags {
  workflowId?: string;
  taskQueue?: string;
  watch?: boolean;
  interval: number;
}

function inputProblems(input: CreateCustomImageInput): FieldProblem[] {
  try {
    validateInput(input);
    return [];
  } catch (err) {
    if (!(err instanceof ApplicationFailure)) throw err;
    const details = err.details?.[0] as { problems?: FieldProblem[] } | undefined;
    return details?.problems ?? [{ field: 'input', message: err.message }];
  }
}

/** Follows a pipeline until it ends, prints the result or the failure; Ctrl-C detaches. */
export async function followPipeline(
  client: PipelineClient,
  workflowId: string,
  io: CliIO,
  intervalMs: number,
): Promise<number> {
  const detach = new AbortController();
  const onSigint = () => detach.abort();
  process.once('SIGINT', onSigint);
  try {
    const outcome = await watchPipeline(client, workflowId, { stream: io.out, intervalMs, signal: detach.signal });
    if (!outcome) {
      io.out.write(`Detached; the pipeline keeps running. Follow it again: cvm-image status ${workflowId} --watch\n`);
      return 130;
    }
    if (outcome.ok) {
      io.out.write(`${formatResult(workflowId, outcome.result)}\n`);
      return 0;
    }
    io.out.write(`✖ ${explainError(outcome.error, client, workflowId)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function createCommand(io: CliIO): Command {
  return new Command('create')
    .description('start a pipeline that bakes a custom image from an instance')
    .requiredOption('--region <region>', 'region of the instance, e.g. ap-guangzhou')
    .requiredOption('--instance-id <id>', 'source instance, e.g. ins-abc12345')
    .requiredOption('--image-name <name>', 'name of the new image (≤ 60 characters)')
    .option('--description <text>', 'image description (≤ 256 characters)')
    .option('--family <family>', 'image family')
    .option('--tag <key=value>', 'image tag (repeatable)', parseTag)
    .addOption(new Option('--shutdown <mode>', 'when to stop the instance (default auto)').choices(SHUTDOWN_MODES))
    .addOption(
      new Option('--data-disks <mode>', 'data disks: snapshot | include | exclude (default snapshot)').choices(
        DATA_DISK_MODES,
      ),
    )
    .addOption(new Option('--fstab <mode>', 'data-disk lines in /etc/fstab (default fix)').choices(FSTAB_MODES))
    .option('--approval', 'wait for `cvm-image approve` before stopping the instance')
    .option('--approval-timeout <duration>', 'how long to wait for approval, e.g. 1h (implies --approval)')
    .option('--launch <count>', 'launch this many instances from the image to verify it', parsePositiveInt)
    .option('--launch-instance-type <type>', 'instance type of the launched instances')
    .option('--launch-zone <zone>', 'zone of the launched instances')
    .option('--launch-keep', 'keep the launched instances (default: terminate after checks)')
    .option('--image-timeout <duration>', 'upper bound for the image to become NORMAL, e.g. 2h')
    .option('--snapshot-timeout <duration>', 'upper bound for each data-disk snapshot')
    .option('--instance-timeout <duration>', 'upper bound for instance stop/start/launch')
    .option('--dry-run', 'run the checks only; change nothing')
    .option(
      '--rotate-when-full <keep>',
      'on a full image quota, first delete older images of ours, keeping this many per family',
      parsePositiveInt,
    )
    .option('--copy-to-region <region>', 'copy the image to this region too (repeatable)', collect)
    .option('--share-with <account>', 'share the image with this account id (repeatable)', collect)
    .option('--workflow-id <id>', 'override the recommended id cvm-image/<region>/<instance-id>')
    .option('--task-queue <queue>', 'task queue of the workers (default CVM_IMAGE_TASK_QUEUE or cvm-image)')
    .option('-w, --watch', 'draw live progress until the pipeline ends, then print its result')
    .option('--interval <ms>', 'progress poll interval with --watch', parsePositiveInt, 500)
    .action(async (flags: CreateCommandFlags, command: Command) => {
      let input;
      try {
        input = inputFromFlags(flags);
      } catch (err) {
        command.error(`error: ${(err as Error).message}`);
      }
      // The workflow's own validator, run here first: bad input never reaches the server or the cloud.
      const problems = inputProblems(input);
      if (problems.length) {
        io.err.write(
          `cvm-image: invalid input, nothing was started:\n${describeProblems(problems)
            .map((l) => `  ${l}\n`)
            .join('')}`,
        );
        process.exitCode = 1;
        return;
      }
      await withClient(command, io, async (client) => {
        const { workflowId, runId } = await client.start(input, {
          workflowId: flags.workflowId,
          taskQueue: flags.taskQueue,
        });
        io.out.write(`Started pipeline ${workflowId} (run ${runId})\n`);
        if (!flags.watch) {
          io.out.write(`Follow it: cvm-image status ${workflowId} --watch\n`);
          return 0;
        }
        return followPipeline(client, workflowId, io, flags.interval);
      });
    });
}
