/** `cvm-image list`: pipelines filtered by the search attributes (region, instance, stage) and status. */
import { Command, Option } from 'commander';
import { EXECUTION_STATUSES } from '../../client/list-query';
import { withClient, type CliIO } from '../context';
import { formatList } from '../format';
import { parsePositiveInt } from '../input-flags';

export function listCommand(io: CliIO): Command {
  return new Command('list')
    .description('list pipelines, newest first')
    .option('--region <region>', 'only this region (CvmRegion)')
    .option('--instance-id <id>', 'only this source instance (CvmInstanceId)')
    .option('--stage <stage>', 'only pipelines in this stage (CvmPipelineStage), e.g. waiting-for-image')
    .addOption(new Option('--status <status>', 'only this execution status').choices(EXECUTION_STATUSES))
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
