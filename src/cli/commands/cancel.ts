/** `cvm-image cancel <id>`: cancel a pipeline; it compensates (undoes what it made) before it ends. */
import { Command } from 'commander';
import { withClient, type CliIO } from '../context';
import { explainError } from '../errors';
import { resolveWorkflowId } from '../input-flags';

export function cancelCommand(io: CliIO): Command {
  return new Command('cancel')
    .description('cancel a pipeline; it undoes what it made and restores the instance')
    .argument('<id>', 'workflow id, or an instance id with --region')
    .option('--region <region>', 'derive the workflow id from the region and an instance id')
    .option('--wait', 'wait until the pipeline has finished compensating and print how it ended')
    .action(async (idArg: string, flags, command: Command) => {
      const id = resolveWorkflowId(idArg, flags.region);
      await withClient(
        command,
        io,
        async (client) => {
          const before = await client.describe(id);
          if (before.status !== 'RUNNING') {
            io.out.write(`Nothing to cancel: ${id} has already ended (${before.status}).\n`);
            return 0;
          }
          await client.cancel(id);
          io.out.write(`Cancellation requested for ${id}.\n`);
          if (!flags.wait) return 0;
          try {
            await client.result(id);
            io.out.write(`${id} completed before the cancellation took effect.\n`);
            return 0;
          } catch (err) {
            io.out.write(`${id} ended: ${explainError(err, client, id).replace(/^pipeline \S+ failed: /, '')}\n`);
            return 0;
          }
        },
        id,
      );
    });
}
