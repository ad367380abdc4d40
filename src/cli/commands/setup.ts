/**
 * `cvm-image setup`: prepares a namespace for the pipeline (its search attributes), idempotently. On
 * Temporal Cloud, where an API key may not register them, it prints the tcld commands to run instead.
 */
import { Command } from 'commander';
import {
  cloudInstructions,
  registerSearchAttributes,
  SearchAttributeConflictError,
  SetupNotAllowedError,
} from '../../client/setup';
import { withClient, type CliIO } from '../context';
import { CliError } from '../errors';

export function setupCommand(io: CliIO): Command {
  return new Command('setup')
    .description(
      'register the search attributes (CvmRegion, CvmInstanceId, CvmImageId, CvmPipelineStage) on the namespace',
    )
    .option('--json', 'print JSON')
    .action(async (flags, command: Command) => {
      await withClient(command, io, async (client) => {
        const ns = client.namespace;
        try {
          const report = await registerSearchAttributes(client.temporal.connection, ns);
          if (flags.json) io.out.write(`${JSON.stringify(report, null, 2)}\n`);
          else {
            for (const n of report.added) io.out.write(`registered ${n} (Keyword) on ${ns}\n`);
            for (const n of report.present) io.out.write(`${n} (Keyword) already on ${ns}\n`);
          }
        } catch (err) {
          if (err instanceof SetupNotAllowedError)
            throw new CliError(`${err.message}\n${cloudInstructions(ns, err.missing)}`);
          if (err instanceof SearchAttributeConflictError)
            throw new CliError(`${err.message}; rename or remove it first (the pipeline's names are fixed)`);
          throw err;
        }
      });
    });
}
