/**
 * The Temporal runtime's logs (the worker's, and core's forwarded to it) go to the test environment's
 * capture (quiet-environment.ts), printed only for a failing test; straight to the console elsewhere.
 */
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';

const capture = (globalThis as { __cvmCaptureLog?: (line: string) => void }).__cvmCaptureLog;
const line = ({ level, message, meta }: LogEntry) =>
  `${level} ${message}${meta && Object.keys(meta).length ? ` ${JSON.stringify(meta, errorsAsText)}` : ''}`;
// Errors from the workflow sandbox are of another realm: recognised by their stack, not instanceof.
const errorsAsText = (_key: string, value: unknown) =>
  value && typeof value === 'object' && 'stack' in value ? String(value.stack) : value;

Runtime.install({
  logger: capture ? new DefaultLogger('INFO', (entry) => capture(line(entry))) : new DefaultLogger('WARN'),
  telemetryOptions: { logging: { filter: 'WARN', forward: {} } },
});
