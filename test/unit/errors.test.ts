import { ApplicationFailure } from '@temporalio/common';
import { classify, verdictFor } from '../../src/activities/errors';
import { NON_RETRYABLE } from '../../src/contract';

/** What the SDK throws: TencentCloudSDKHttpException carries `code`, `requestId` and, for non-200, `httpCode`. */
function sdkError(fields: { code?: string; httpCode?: number; message?: string }) {
  return Object.assign(new Error(fields.message ?? 'boom'), { requestId: 'req-1', ...fields });
}

describe('Tencent error classification', () => {
  it.each([
    'RequestLimitExceeded',
    'RequestLimitExceeded.UinLimitExceeded',
    'InternalError',
    'InternalError.TradeUnknownError',
    'ResourceBusy',
    'OperationDenied.InstanceOperationInProgress',
    'InvalidImageId.IncorrectState',
    'UnsupportedOperation.InstanceStateStopping',
    'SomethingNobodyDocumented',
  ])('%s is retryable', (code) => {
    const f = classify(sdkError({ code }), 'CreateImage');
    expect(f.nonRetryable).toBe(false);
    expect(f.message).toContain(code);
  });

  it.each([
    ['AuthFailure.SignatureFailure', NON_RETRYABLE.auth],
    ['AuthFailure.SecretIdNotFound', NON_RETRYABLE.auth],
    ['UnauthorizedOperation', NON_RETRYABLE.auth],
    ['InvalidParameter', NON_RETRYABLE.invalidRequest],
    ['InvalidParameterValue.TooLong', NON_RETRYABLE.invalidRequest],
    ['InvalidParameterCombination', NON_RETRYABLE.invalidRequest],
    ['InvalidParameter.InvalidParameterCoexistImageIdsFilters', NON_RETRYABLE.invalidRequest],
    ['ImageQuotaLimitExceeded', NON_RETRYABLE.imageQuotaExceeded],
    ['InvalidImageName.Duplicate', NON_RETRYABLE.duplicateImageName],
    ['InvalidInstanceId.NotFound', NON_RETRYABLE.notFound],
    ['InvalidInstanceId.Malformed', NON_RETRYABLE.invalidRequest],
    ['UnsupportedOperation.InstanceStateStopped', NON_RETRYABLE.unsupported],
    ['ResourceUnavailable.AgentStatusNotOnline', NON_RETRYABLE.guestAgentOffline],
  ])('%s is non-retryable as %s', (code, type) => {
    const f = classify(sdkError({ code }), 'DescribeImages');
    expect(f.nonRetryable).toBe(true);
    expect(f.type).toBe(type);
    expect(f.details?.[0]).toEqual({ action: 'DescribeImages', code, requestId: 'req-1' });
  });

  it('treats network errors and 5xx as transient, other 4xx as permanent', () => {
    expect(classify(sdkError({ message: 'socket hang up' }), 'RunInstances').nonRetryable).toBe(false);
    expect(classify(sdkError({ httpCode: 503 }), 'RunInstances').nonRetryable).toBe(false);
    expect(classify(sdkError({ httpCode: 429 }), 'RunInstances').nonRetryable).toBe(false);
    const bad = classify(sdkError({ httpCode: 400 }), 'RunInstances');
    expect(bad.nonRetryable).toBe(true);
    expect(bad.message).toContain('HTTP 400');
  });

  it('passes an ApplicationFailure through unchanged', () => {
    const f = ApplicationFailure.nonRetryable('mine', 'Mine');
    expect(classify(f, 'X')).toBe(f);
  });

  it('prefers the most specific entry', () => {
    expect(verdictFor('OperationDenied.InstanceOperationInProgress').retryable).toBe(true);
    expect(verdictFor('OperationDenied.Something').retryable).toBe(false);
  });
});
