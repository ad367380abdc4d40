import { ApplicationFailure, type LogLevel, type LogMetadata } from '@temporalio/common';
import { WORKFLOW_FAILURES, NON_RETRYABLE } from '../../src/contract';
import { OutcomeLogger } from '../../src/temporal/outcome-logger';

function capture() {
  const lines: { level: LogLevel; message: string; meta?: LogMetadata }[] = [];
  const inner = {
    log: (level: LogLevel, message: string, meta?: LogMetadata) => lines.push({ level, message, meta }),
  } as never;
  return { lines, logger: new OutcomeLogger(inner) };
}

describe('OutcomeLogger', () => {
  it('logs an expected outcome as one INFO line without the error (no stack trace)', () => {
    const { lines, logger } = capture();
    const error = ApplicationFailure.nonRetryable('invalid input: region: bad', WORKFLOW_FAILURES.invalidInput);
    logger.warn('Workflow failed', { error, workflowId: 'w1' });
    expect(lines).toEqual([
      {
        level: 'INFO',
        message: 'Workflow failed (expected outcome): InvalidPipelineInput: invalid input: region: bad',
        meta: { workflowId: 'w1' },
      },
    ]);
    expect(lines[0].message).not.toContain('\n');
  });

  it('keeps other failures as they are (a failed image is not expected)', () => {
    const { lines, logger } = capture();
    const error = ApplicationFailure.nonRetryable('ended in CREATEFAILED', NON_RETRYABLE.imageCreateFailed);
    logger.warn('Activity failed', { error });
    expect(lines).toEqual([{ level: 'WARN', message: 'Activity failed', meta: { error } }]);
  });

  it("turns webpack's statistics into one INFO line, the full text at DEBUG", () => {
    const { lines, logger } = capture();
    const stats =
      'asset workflow-bundle.js 1.2 MiB\norphan modules 20 KiB\nwebpack 5.99.0 compiled successfully in 3100 ms';
    logger.info(stats);
    expect(lines.map((l) => l.level)).toEqual(['INFO', 'DEBUG']);
    expect(lines[0].message).toBe('Workflow bundle built: webpack 5.99.0 compiled successfully in 3100 ms');
  });
});
