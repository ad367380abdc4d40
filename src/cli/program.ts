/** The `cvm-image` command: every subcommand, global connection flags, help. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { approveCommand, rejectCommand } from './commands/approval';
import { bakeCommand } from './commands/bake';
import { cancelCommand } from './commands/cancel';
import { cleanupCommand } from './commands/cleanup';
import { codecServerCommand } from './commands/codec-server';
import { costCommand } from './commands/cost';
import { createCommand } from './commands/create';
import { emulatorCommand } from './commands/emulator';
import { deleteCommand, rotateCommand } from './commands/images';
import { listCommand } from './commands/list';
import { scheduleCommand } from './commands/schedule';
import { setupCommand } from './commands/setup';
import { statusCommand } from './commands/status';
import { defaultIO, type CliIO } from './context';

function version(): string {
  // src/cli and lib/cli are both two levels below the package root.
  const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'));
  return pkg.version;
}

export function buildProgram(io: CliIO = defaultIO): Command {
  const program = new Command('cvm-image')
    .description(
      'Bake Tencent Cloud CVM custom images with a durable Temporal pipeline.\n' +
        'Connects like the worker: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_PROFILE (envconfig).',
    )
    .version(version())
    .option('--address <host:port>', 'Temporal server (overrides TEMPORAL_ADDRESS / profile)')
    .option('-n, --namespace <namespace>', 'Temporal namespace (overrides TEMPORAL_NAMESPACE)')
    .option('--connect-timeout <duration>', 'give up reaching the server after this long', '5s')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.out.write(s),
      writeErr: (s) => io.err.write(s),
    });
  for (const command of [
    createCommand(io),
    bakeCommand(io),
    statusCommand(io),
    approveCommand(io),
    rejectCommand(io),
    cancelCommand(io),
    cleanupCommand(io),
    listCommand(io),
    deleteCommand(io),
    rotateCommand(io),
    scheduleCommand(io),
    costCommand(io),
    emulatorCommand(io),
    codecServerCommand(io),
    setupCommand(io),
  ]) {
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}
