/** `cvm-image list`: pipelines filtered by the search attributes (region, instance, stage) and status. */
import { Command, InvalidArgumentError } from 'commander';
import { EXECUTION_STATUSES, parseExecutionStatus } from '../../client/list-query';
import { withClient, type CliIO } from '../context';
import { formatList } from '../format';
import { parsePositiveInt } from '../input-flags';

export function listCommand(io: CliIO): Command {
  return new Command('list')
    .description('list pipelines, newest first')
    .option('--region <region>', 'only this region (CvmRegion)')
    .option('--instance-id <id>', 'only this source instance (CvmInstanceId)')
    .option(
      '--stage <stage>',
      'only pipelines in this stage (CvmPipelineStage), e.g. waiting-for-image, failed, cancelled (any case)',
    )
    .option(
      '--status <status>',
      `only this execution status: ${EXECUTION_STATUSES.join(', ').toLowerCase()} (any case; cancelled or canceled)`,
      (value: string) => {
        const status = parseExecutionStatus(value);
        if (!status) {
          throw new InvalidArgumentError(
            `must be one of ${EXECUTION_STATUSES.join(', ')} (any case; cancelled or canceled)`,
          );
        }
        return status;
      },
    )
    .option('--limit <n>', 'at most this many', parsePositiveInt, 50)
    .option('--json', 'print JSON')
    .action(async (flags, command: Command) => {
      await withClient(command, io, async (client) => {
        const rows = await client.list(
          { region: flags.region, instanceId: flags.instanceId, stage: flags.stage, status: flags.status },
          { limit: flags.limit },
        );
        io.out.write(`${flags.json ? JSON.stringify(rows, null, 2) : formatList(rows)}\n`);
      });
    });
}
