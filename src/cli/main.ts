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
}

if (require.main === module) void main();
