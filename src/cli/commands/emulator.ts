/**
 * `cvm-image emulator`: the local Tencent Cloud, like `npm run emulator`. The only place in src/cli that
 * loads src/emulator, and only when this command runs.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliIO } from '../context';
import { untilStopSignal } from '../until-signal';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`not a port: "${value}"`);
  return n;
}

function parseSpeed(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return n;
}

export function emulatorCommand(io: CliIO): Command {
  return new Command('emulator')
    .description('run the local Tencent Cloud emulator (CVM, CBS, TAT) in the foreground')
    .option('--port <port>', 'port to listen on (0 = a free one)', parsePort, 0)
    .option('--host <host>', 'address to listen on (TAT runs real bash here: keep it loopback)', '127.0.0.1')
    .option('--speed <n>', 'divide every realistic duration by n (e.g. 60: image creation in seconds)', parseSpeed)
    .option('--state-file <file>', 'keep state (and guest files) across restarts in this JSON file')
    .addOption(new Option('--seed <name>', 'load demo instances in ap-guangzhou').choices(['demo']))
    .option('--no-rate-limits', "turn off Tencent's per-action rate limits")
    .option('--quiet', 'log nothing but the ready line and the admin token line')
    .action(async (flags) => {
      const { adminTokenLine, startEmulator } = await import('../../emulator');
      const emulator = await startEmulator({
        port: flags.port,
        host: flags.host,
        speed: flags.speed,
        stateFile: flags.stateFile,
        seed: flags.seed,
        rateLimits: flags.rateLimits,
        quiet: flags.quiet,
      });
      io.out.write(`Tencent Cloud emulator listening on ${emulator.url}\n`);
      io.out.write(`${adminTokenLine(emulator)}\n`);
      if (!flags.quiet) io.out.write(`Point the worker at it: TENCENTCLOUD_ENDPOINT=${emulator.url}\n`);
      await untilStopSignal();
      await emulator.close();
    });
}
