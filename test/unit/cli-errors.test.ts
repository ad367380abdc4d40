import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  RetryState,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';
import { CliError, describeFailure, explainError } from '../../src/cli/errors';

const ctx = { address: '127.0.0.1:7233', namespace: 'default' };
const id = 'cvm-image/ap-guangzhou/ins-abc12345';

describe('explainError', () => {
  it('shows a validation failure with the fields the workflow named', () => {
    const cause = ApplicationFailure.nonRetryable(
      'imageName: must be at most 60 characters; region: required',
      'InvalidPipelineInput',
    );
    const err = new WorkflowFailedError('Workflow execution failed', cause, RetryState.NON_RETRYABLE_FAILURE);
    expect(explainError(err, ctx, id)).toBe(
      `pipeline ${id} failed: InvalidPipelineInput: imageName: must be at most 60 characters; region: required`,
    );
  });

  it('leads with the innermost cause and says where it came from', () => {
    const root = ApplicationFailure.create({
      message: 'quota full: 10 of 10 images',
      type: 'ImageQuotaExceeded',
      nonRetryable: true,
      details: [{ images: ['img-1', 'img-2'] }],
    });
    const activity = new ActivityFailure(
      'activity failed',
      'checkQuota',
      '3',
      RetryState.NON_RETRYABLE_FAILURE,
      'w',
      root,
    );
    const err = new WorkflowFailedError('Workflow execution failed', activity, RetryState.NON_RETRYABLE_FAILURE);
    expect(describeFailure(err)).toEqual({
      headline: 'ImageQuotaExceeded: quota full: 10 of 10 images [{"images":["img-1","img-2"]}]',
      via: ['activity checkQuota failed'],
    });
    expect(explainError(err, ctx, id).split('\n')).toEqual([
      `pipeline ${id} failed: ImageQuotaExceeded: quota full: 10 of 10 images [{"images":["img-1","img-2"]}]`,
      '  via activity checkQuota failed',
    ]);
  });

  it('says a cancelled run was cancelled', () => {
    const err = new WorkflowFailedError(
      'Workflow execution cancelled',
      new CancelledFailure('Workflow canceled'),
      RetryState.NON_RETRYABLE_FAILURE,
    );
    expect(explainError(err, ctx, id)).toBe(`pipeline ${id} failed: cancelled: Workflow canceled`);
  });

  it('points at the running pipeline when the instance is already being imaged', () => {
    const err = new WorkflowExecutionAlreadyStartedError('already started', id, 'createCustomImage');
    expect(explainError(err, ctx)).toContain(`already running`);
    expect(explainError(err, ctx)).toContain(`cvm-image status ${id}`);
  });

  it('names the pipeline and namespace that do not exist', () => {
    const err = new WorkflowNotFoundError('not found', id, undefined);
    expect(explainError(err, ctx)).toBe(`no pipeline with id ${id} in namespace default`);
  });

  it('says a run has ended when an update reaches a closed run', () => {
    const err = new WorkflowNotFoundError('workflow execution already completed', id, undefined);
    expect(explainError(err, ctx)).toBe(`pipeline ${id} has already ended`);
  });

  it('shows why an update was refused', () => {
    const err = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      ApplicationFailure.create({ message: 'no approval is pending' }),
    );
    expect(explainError(err, ctx, id)).toBe('refused: no approval is pending');
  });

  it('passes messages meant for the operator through unchanged', () => {
    expect(explainError(new CliError('plain words'), ctx)).toBe('plain words');
  });
});
