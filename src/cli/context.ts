/** What every pipeline command shares: the connection from global flags + environment, and error output. */
import type { Command } from 'commander';
import { createPipelineClient, TemporalUnreachableError, type PipelineClient } from '../client/pipeline-client';
import { temporalTargetFromEnv } from '../temporal/connection';
import { CliError, explainError, unreachableMessage } from './errors';

export interface GlobalFlags {
  address?: string;
  namespace?: string;
  connectTimeout: string;
}

export interface CliIO {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

export const defaultIO: CliIO = { out: process.stdout, err: process.stderr };

async function connect(flags: GlobalFlags): Promise<PipelineClient> {
  try {
    return await createPipelineClient({
      address: flags.address,
      namespace: flags.namespace,
      connectTimeout: flags.connectTimeout,
    });
  } catch (err) {
    if (err instanceof TemporalUnreachableError) {
      throw new CliError(unreachableMessage(err, (err.cause as Error)?.message ?? String(err.cause)));
    }
    throw err;
  }
}

/**
 * Runs a command body with a connected client; prints a friendly message and sets the exit code on
 * failure. `workflowId` names the pipeline in error messages.
 */
export async function withClient(
  command: Command,
  io: CliIO,
  body: (client: PipelineClient) => Promise<number | void>,
  workflowId?: string,
): Promise<void> {
  const flags = command.optsWithGlobals<GlobalFlags>();
  let client: PipelineClient | undefined;
  try {
    client = await connect(flags);
    const code = await body(client);
    if (code) process.exitCode = code;
  } catch (err) {
    const target = client ?? fallbackTarget(flags);
    io.err.write(`cvm-image: ${explainError(err, target, workflowId)}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  } finally {
    await client?.close();
  }
}

function fallbackTarget(flags: GlobalFlags): { address: string; namespace: string } {
  try {
    const t = temporalTargetFromEnv();
    return { address: flags.address ?? t.address, namespace: flags.namespace ?? t.namespace };
  } catch {
    return { address: flags.address ?? '?', namespace: flags.namespace ?? '?' };
  }
}
