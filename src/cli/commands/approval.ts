/** `cvm-image approve|reject <id>`: answer a pipeline waiting for approval to stop its instance. */
import { Command } from 'commander';
import { withClient, type CliIO } from '../context';
import { resolveWorkflowId } from '../input-flags';

export function approveCommand(io: CliIO): Command {
  return new Command('approve')
    .description('approve stopping the instance of a pipeline waiting in awaiting-approval')
    .argument('<id>', 'workflow id, or an instance id with --region')
    .option('--region <region>', 'derive the workflow id from the region and an instance id')
    .action(async (idArg: string, flags, command: Command) => {
      const id = resolveWorkflowId(idArg, flags.region);
      await withClient(
        command,
        io,
        async (client) => {
          await client.approve(id);
          io.out.write(`Approved: ${id} may stop its instance and continue.\n`);
        },
        id,
      );
    });
}

export function rejectCommand(io: CliIO): Command {
  return new Command('reject')
    .description('reject stopping the instance; the pipeline ends without changing anything')
    .argument('<id>', 'workflow id, or an instance id with --region')
    .option('--region <region>', 'derive the workflow id from the region and an instance id')
    .option('-r, --reason <text>', 'why (recorded in the workflow)', 'rejected with cvm-image reject')
    .action(async (idArg: string, flags, command: Command) => {
      const id = resolveWorkflowId(idArg, flags.region);
      await withClient(
        command,
        io,
        async (client) => {
          await client.reject(id, flags.reason);
          io.out.write(`Rejected: ${id} ends without stopping its instance (${flags.reason}).\n`);
        },
        id,
      );
    });
}
