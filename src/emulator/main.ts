/** `npm run emulator -- --port <p> [--state-file f] [--speed n] [--seed demo] [--host h]` (foreground). */
import { Command, InvalidArgumentError, Option } from 'commander';
import { adminTokenLine, startEmulator } from './index';

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number (0 = any free port)');
  return n;
}

async function main(): Promise<void> {
  const program = new Command('emulator')
    .description('Local Tencent Cloud emulator (CVM, CBS, TAT) for tencentcloud-sdk-nodejs, tccli and the Go SDK')
    .option('--port <port>', 'port to listen on (0 = any free port)', port, 9100)
    .option('--host <host>', 'address to listen on (TAT runs scripts locally: keep it loopback)', '127.0.0.1')
    .option('--state-file <file>', 'keep state (and guest files in <file>.d/) across restarts')
    .option('--speed <n>', 'divide every default duration by n', positiveNumber, 1)
    .addOption(new Option('--seed <name>', 'load demo instances in ap-guangzhou').choices(['demo']))
    .option('--no-rate-limits', "turn off Tencent's per-action rate limits")
    .option('--quiet', 'log nothing but the ready line and the admin token line')
    .parse();
  const o = program.opts<{
    port: number;
    host: string;
    stateFile?: string;
    speed: number;
    seed?: 'demo';
    rateLimits: boolean;
    quiet?: boolean;
  }>();
  const emulator = await startEmulator({
    port: o.port,
    host: o.host,
    stateFile: o.stateFile,
    speed: o.speed,
    seed: o.seed,
    rateLimits: o.rateLimits,
    quiet: o.quiet,
  });
  console.log(`Tencent Cloud emulator listening on ${emulator.url}`);
  console.log(adminTokenLine(emulator));
  const stop = (signal: string) => {
    if (!o.quiet) console.log(`Received ${signal}, shutting down`);
    emulator.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
