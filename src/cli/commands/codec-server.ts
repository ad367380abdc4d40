/**
 * `cvm-image codec-server`: decodes the pipeline's encrypted payloads for the Temporal UI (set the UI's
 * codec endpoint to the printed URL, or `temporal server start-dev --ui-codec-endpoint <url>`). Needs the
 * same CVM_IMAGE_CODEC_KEY as the worker.
 */
import { Command, InvalidArgumentError } from 'commander';
import { codecFromEnv } from '../../codec/env';
import { DEFAULT_UI_ORIGINS, startCodecServer } from '../../codec/server';
import type { CliIO } from '../context';
import { CliError } from '../errors';
import { untilStopSignal } from '../until-signal';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`not a port: "${value}"`);
  return n;
}

export function codecServerCommand(io: CliIO): Command {
  return new Command('codec-server')
    .description('serve /encode and /decode so the Temporal UI shows encrypted payloads (needs CVM_IMAGE_CODEC_KEY)')
    .option('--port <port>', 'port to listen on (0 = a free one)', parsePort, 8888)
    .option('--host <host>', 'address to listen on (it decrypts for anyone who reaches it)', '127.0.0.1')
    .option(
      '--ui-origin <url...>',
      'browser origins allowed to call it: the Temporal UI ("*" for any)',
      DEFAULT_UI_ORIGINS,
    )
    .action(async (flags: { port: number; host: string; uiOrigin: string[] }) => {
      let codec;
      try {
        codec = codecFromEnv();
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      if (!codec) throw new CliError('CVM_IMAGE_CODEC_KEY is not set: there is nothing to decode');
      const server = await startCodecServer({ codec, port: flags.port, host: flags.host, origins: flags.uiOrigin });
      io.out.write(
        `codec server listening on ${server.url} (key ${codec.keyId}; UI origins ${flags.uiOrigin.join(', ')})\n`,
      );
      await untilStopSignal();
      await server.close();
    });
}
