/** Entry point of `cvm-image` (bin/cvm-image.js runs the build in lib/, or this file through tsx). */
import { buildProgram } from './program';

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    // Pipeline commands explain their own errors; this catches the rest (e.g. the emulator's port in use).
    console.error(`cvm-image: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
  // A CLI ends when its command does: a call the SDK still holds open (a long-poll after Ctrl-C detached; a
  // closed gRPC channel lets in-flight calls finish) must not keep the process alive. Foreground servers
  // (emulator, codec-server) wait for their stop signal inside their command.
  process.exit();
}

if (require.main === module) void main();
