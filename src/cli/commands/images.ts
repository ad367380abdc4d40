/**
 * `cvm-image delete <imageId>` and `cvm-image rotate`: the lifecycle workflows as one-off commands, with
 * the same progress lines and `--json` as `create`. Rotation is a dry run unless `--apply` is given.
 */
import { Command } from 'commander';
import { InvalidLifecycleInputError, startImageDeletion, startRotation } from '../../client/lifecycle';
import { taskQueueFromEnv } from '../../temporal/connection';
import type { DeleteCustomImageResult, RotateImagesInput, RotateImagesResult } from '../../contract';
import { withClient, type CliIO } from '../context';
import { CliError } from '../errors';
import { followRun } from '../follow-run';
import { parsePositiveInt } from '../input-flags';
import { table } from '../lifecycle-format';

const FLAGS: Record<string, string> = {
  region: '--region',
  imageId: '<imageId>',
  keep: '--keep',
  imageFamily: '--family',
  groupByTag: '--group-by-tag',
};

function refused(err: unknown): never {
  if (!(err instanceof InvalidLifecycleInputError)) throw err;
  const lines = err.problems.map((p) => `  ${FLAGS[p.field] ?? `--${p.field}`} (${p.field}): ${p.message}`);
  throw new CliError(`invalid input, nothing was started:\n${lines.join('\n')}`);
}

const silent: CliIO = { out: { write: () => true } as never, err: process.stderr };

export function formatDeletion(r: DeleteCustomImageResult): string {
  if (r.alreadyGone) return `✔ Image ${r.imageId} does not exist (any more): nothing to delete`;
  const lines = [`✔ Deleted image ${r.imageId}`];
  lines.push(`  snapshots deleted    ${r.deletedSnapshotIds.join(', ') || '—'} (${r.freedSnapshotGb} GB freed)`);
  if (r.unsharedFrom.length) lines.push(`  unshared from        ${r.unsharedFrom.join(', ')}`);
  for (const k of r.keptSnapshots) lines.push(`  kept ${k.snapshotId}: still bound to ${k.imageIds.join(', ')}`);
  return lines.join('\n');
}

export function formatRotation(r: RotateImagesResult): string {
  const lines: string[] = [];
  if (!r.entries.length) lines.push(`No custom images in scope in ${r.region}.`);
  else {
    lines.push(
      table([
        ['IMAGE', 'NAME', 'GROUP', 'CREATED', 'ACTION', 'WHY'],
        ...r.entries.map((e) => [e.imageId, e.imageName, e.group ?? '—', e.createdTime, e.action, e.reason]),
      ]),
    );
  }
  for (const n of r.notDeleted) lines.push(`✖ ${n.imageId} not deleted: ${n.reason}`);
  lines.push(
    r.dryRun
      ? `Dry run: nothing was deleted; ${r.deleted.length} image(s) would be. Run again with --apply to delete them.`
      : `✔ Deleted ${r.deleted.length} image(s)${r.deleted.length ? `: ${r.deleted.join(', ')}` : ''}`,
  );
  return lines.join('\n');
}

export function deleteCommand(io: CliIO): Command {
  return new Command('delete')
    .description('delete a custom image with its bound snapshots (the deleteCustomImage workflow)')
    .argument('<imageId>', 'the image, e.g. img-abc12345')
    .requiredOption('--region <region>', 'region of the image, e.g. ap-guangzhou')
    .option('--force', 'also an image this project did not make, one in use, or a shared one (unshared first)')
    .option('--task-queue <queue>', 'task queue of the workers (default CVM_IMAGE_TASK_QUEUE or cvm-image)')
    .option('--json', 'print the result as JSON')
    .action(async (imageId: string, flags, command: Command) => {
      await withClient(command, io, async (client) => {
        const input = { region: flags.region, imageId, ...(flags.force ? { force: true } : {}) };
        const handle = await startImageDeletion(client.temporal, input, {
          taskQueue: flags.taskQueue ?? taskQueueFromEnv(),
        }).catch(refused);
        if (!flags.json) io.out.write(`Started ${handle.workflowId}\n`);
        const result = await followRun<DeleteCustomImageResult>(handle, flags.json ? silent : io);
        io.out.write(`${flags.json ? JSON.stringify(result, null, 2) : formatDeletion(result)}\n`);
      });
    });
}

export function rotateCommand(io: CliIO): Command {
  return new Command('rotate')
    .description("keep the newest N of this project's images per family; a dry run unless --apply")
    .requiredOption('--region <region>', 'region, e.g. ap-guangzhou')
    .requiredOption('--keep <n>', 'how many of the newest images to keep per group', parsePositiveInt)
    .option('--family <family>', 'only this image family')
    .option('--group-by-tag <key>', 'group images by the value of this tag instead of their family')
    .option('--apply', 'delete the images the plan lists (default: only list them)')
    .option('--task-queue <queue>', 'task queue of the workers (default CVM_IMAGE_TASK_QUEUE or cvm-image)')
    .option('--json', 'print the result as JSON')
    .action(async (flags, command: Command) => {
      await withClient(command, io, async (client) => {
        const input: RotateImagesInput = { region: flags.region, keep: flags.keep, dryRun: !flags.apply };
        if (flags.family) input.imageFamily = flags.family;
        if (flags.groupByTag) input.groupByTag = flags.groupByTag;
        const handle = await startRotation(client.temporal, input, {
          taskQueue: flags.taskQueue ?? taskQueueFromEnv(),
        }).catch(refused);
        if (!flags.json) io.out.write(`Started ${handle.workflowId}${input.dryRun ? ' (dry run)' : ''}\n`);
        const result = await followRun<RotateImagesResult>(handle, flags.json ? silent : io);
        io.out.write(`${flags.json ? JSON.stringify(result, null, 2) : formatRotation(result)}\n`);
        return result.notDeleted.length ? 1 : 0;
      });
    });
}
