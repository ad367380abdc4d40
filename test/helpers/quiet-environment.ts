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
 * `@temporalio/proto`, loaded once per jest worker (this module lives outside the test files' sandboxes) and
 * shared by every test file it runs, rather than once per file: 0.3–0.5 CPU-s a file, and the 50-odd files
 * that talk to Temporal load it. It is generated protobuf reflection (protobufjs): no I/O, no timers, no
 * state that a test changes. Its messages are objects of the worker's realm, which only matters to a test that
 * checks them with `instanceof Object` or `toStrictEqual` against a literal (none does).
 */
const sharedProto = (): unknown => require('@temporalio/proto'); // eslint-disable-line @typescript-eslint/no-require-imports

export default class QuietEnvironment extends NodeEnvironment {
  private readonly lines: string[] = [];

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    // `globalThis.__cvmCaptureLog` is what quiet-runtime.ts gives the Temporal runtime's logger.
    this.global.__cvmCaptureLog = (line: string) => this.capture('', line);
    // What `@temporalio/proto` resolves to in a test file (jest.config.js moduleNameMapper: shared-proto.js).
    Object.defineProperty(this.global, '__cvmSharedProto', { get: sharedProto });
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
