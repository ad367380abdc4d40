/**
 * The worker's log without noise: an expected outcome (bad input, a rejected approval, a full quota, a
 * name taken, an image that is not ours…) is a refusal the run reports to its caller, not a worker
 * problem, so the SDK's "Activity failed" / "Workflow failed" WARN with a stack trace becomes one INFO
 * line. The workflow bundler's webpack statistics become one INFO line too (the full text at DEBUG).
 */
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { LIFECYCLE_FAILURES, NON_RETRYABLE, WORKFLOW_FAILURES } from '../contract';

/** Failure types that mean "refused as designed", before or without any cloud change. */
export const EXPECTED_OUTCOMES: ReadonlySet<string> = new Set([
  WORKFLOW_FAILURES.invalidInput,
  WORKFLOW_FAILURES.shutdownRejected,
  WORKFLOW_FAILURES.approvalTimedOut,
  NON_RETRYABLE.imageQuotaExceeded,
  NON_RETRYABLE.duplicateImageName,
  NON_RETRYABLE.fstabDataDiskLines,
  NON_RETRYABLE.instanceUnsuitable,
  ...Object.values(LIFECYCLE_FAILURES).filter((t) => t !== LIFECYCLE_FAILURES.rotationIncomplete),
]);

const WEBPACK_STATS = /\bwebpack [\d.]+ compiled[^\n]*/;

function expectedType(error: unknown): string | undefined {
  const type = (error as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' && EXPECTED_OUTCOMES.has(type) ? type : undefined;
}

export class OutcomeLogger implements Logger {
  constructor(private readonly inner: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const type = meta?.error !== undefined && (level === 'WARN' || level === 'ERROR') && expectedType(meta.error);
    if (type) {
      const { error, ...rest } = meta!;
      this.inner.log('INFO', `${message} (expected outcome): ${type}: ${(error as Error).message}`, rest);
      return;
    }
    const stats = level === 'INFO' ? WEBPACK_STATS.exec(message) : null;
    if (stats && message.includes('\n')) {
      this.inner.log('INFO', `Workflow bundle built: ${stats[0]}`, meta);
      this.inner.log('DEBUG', message, meta);
      return;
    }
    this.inner.log(level, message, meta);
  }

  trace = (message: string, meta?: LogMetadata) => this.log('TRACE', message, meta);
  debug = (message: string, meta?: LogMetadata) => this.log('DEBUG', message, meta);
  info = (message: string, meta?: LogMetadata) => this.log('INFO', message, meta);
  warn = (message: string, meta?: LogMetadata) => this.log('WARN', message, meta);
  error = (message: string, meta?: LogMetadata) => this.log('ERROR', message, meta);
}
