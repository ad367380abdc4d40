/** `cvm-image status <id>`: where a pipeline is, or how it ended; `--watch` follows it. */
import { Command } from 'commander';
import type { PipelineClient } from '../../client/pipeline-client';
import type { PipelineProgress } from '../../contract';
import { withClient, type CliIO } from '../context';
import { explainError } from '../errors';
import { formatResult, formatStatus } from '../format';
import { parsePositiveInt, resolveWorkflowId } from '../input-flags';
import { followPipeline } from './create';

/** A query waits for a worker; a status report should not hang when none is running. */
async function progressWithin(client: PipelineClient, id: string, ms: number): Promise<PipelineProgress | undefined> {
  try {
    return await client.progress(id, { signal: AbortSignal.timeout(ms) });
  } catch {
    return undefined;
  }
}

export function statusCommand(io: CliIO): Command {
  return new Command('status')
    .description('show the stage, progress and outcome of a pipeline')
    .argument('<id>', 'workflow id, or an instance id with --region')
    .option('--region <region>', 'derive the workflow id from the region and an instance id')
    .option('--json', 'print JSON: { pipeline, progress, result | failure }')
    .option('-w, --watch', 'follow a running pipeline with a live progress bar')
    .option('--interval <ms>', 'progress poll interval with --watch', parsePositiveInt, 500)
    .action(async (idArg: string, flags, command: Command) => {
      const id = resolveWorkflowId(idArg, flags.region);
      await withClient(
        command,
        io,
        async (client) => {
          const summary = await client.describe(id);
          const running = summary.status === 'RUNNING';
          if (running && flags.watch) return followPipeline(client, id, io, flags.interval);
          const progress = running ? await progressWithin(client, id, 5000) : undefined;
          let result, failure: string | undefined;
          if (!running) {
            try {
              result = await client.result(id);
            } catch (err) {
              failure = explainError(err, client, id);
            }
          }
          if (flags.json) {
            io.out.write(`${JSON.stringify({ pipeline: summary, progress, result, failure }, null, 2)}\n`);
          } else {
            io.out.write(`${formatStatus(summary, progress)}\n`);
            if (running && !progress) io.out.write('(no progress: no worker answered the progress query)\n');
            if (result) io.out.write(`${formatResult(id, result)}\n`);
            if (failure) io.out.write(`✖ ${failure}\n`);
          }
          return failure ? 1 : 0;
        },
        id,
      );
    });
}
