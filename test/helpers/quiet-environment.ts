/**
 * jest's node environment, with what a test logs (console, and the Temporal runtime's logs through
 * quiet-runtime.ts) held back and printed only for a test or hook that fails: a green run shows no
 * expected errors (a refused input, a failing activity the test provoked), a red one shows its context.
 */
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { format } from 'node:util';
import NodeEnvironment from 'jest-environment-node';

const MAX_LINES = 2000;

/**
 * Modules loaded once per jest worker (this module lives outside the test files' sandboxes) and shared by every
 * test file it runs, rather than loaded again for each file (jest.config.js maps them to test/helpers/shared-modules/).
 * Each is a pure library, no I/O, no timers, no configuration the suite sets, so a file cannot see another's
 * use of it; each is among the largest per-file costs in a profile of the suite's jest workers (2026-12-01):
 * - `@temporalio/proto`: generated protobuf reflection (protobufjs), 0.3–0.5 CPU-s a file, in the 50-odd files
 *   that talk to Temporal;
 * - `zod`: 0.1–0.2 CPU-s a file, in the 50-odd that load our validation or the emulator (15 emulator files, two
 *   A/B runs: 39.6 and 39.5 CPU-s loading their own, 35.4 and 36.9 sharing it).
 *
 * What they create belongs to the worker's realm: `instanceof Error`, `Object` or `Date` in a test file is false
 * for it (the classes they export, e.g. `z.ZodError`, are shared and so still match). None of our code or
 * tests asks that of their objects; zod's own checks of a test's values are by `typeof` and `Array.isArray`
 * for the schemas we write (no `z.date()`, `z.map()`, `z.instanceof()`).
 */
const SHARED_MODULES = new Set(['@temporalio/proto', 'zod']);

function sharedModule(name: string): unknown {
  if (!SHARED_MODULES.has(name)) throw new Error(`${name} is not a module the test environment shares`);
  return require(name); // eslint-disable-line @typescript-eslint/no-require-imports
}

export default class QuietEnvironment extends NodeEnvironment {
  private readonly lines: string[] = [];

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    // `globalThis.__cvmCaptureLog` is what quiet-runtime.ts gives the Temporal runtime's logger.
    this.global.__cvmCaptureLog = (line: string) => this.capture('', line);
    // What a shared module resolves to in a test file (test/helpers/shared-modules/).
    this.global.__cvmSharedModule = sharedModule;
  }

  /**
   * The test file's own console. Set here, not in the constructor: jest-runner installs its own console on
   * the environment's global after constructing it and before `setup()` (jest-runner testWorker.js).
   */
  override async setup(): Promise<void> {
    await super.setup();
    const capture =
      (level: string) =>
      (...args: unknown[]) =>
        this.capture(level, format(...args));
    this.global.console = {
      ...console,
      log: capture('log'),
      info: capture('info'),
      debug: capture('debug'),
      warn: capture('warn'),
      error: capture('error'),
    } as Console;
  }

  private capture(level: string, text: string): void {
    this.lines.push(level ? `${level}: ${text}` : text);
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
  }

  private flush(title: string): void {
    if (this.lines.length) {
      process.stderr.write(`\n── logs of ${title} ──\n${this.lines.join('\n')}\n── end of logs ──\n`);
    }
    this.lines.length = 0;
  }

  async handleTestEvent(event: Circus.Event): Promise<void> {
    if (event.name === 'test_done') {
      if (event.test.errors.length) this.flush(`failed test "${event.test.name}"`);
      else this.lines.length = 0;
    } else if (event.name === 'hook_failure') {
      this.flush(`failed ${event.hook.type} hook`);
    } else if (event.name === 'run_finish') {
      this.lines.length = 0;
    }
  }
}
