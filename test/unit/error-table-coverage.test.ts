import { tableVerdict, verdictFor } from '../../src/activities/errors';
import { NON_RETRYABLE } from '../../src/contract';
import { COMMON_ERROR_CODES, documentedErrors } from '../../src/tencent';

/** Every code Tencent documents for an action we call (vendored lists) has an explicit verdict. */
describe('error table derived from the vendored per-action error lists', () => {
  const pairs = [...documentedErrors()].flatMap(([action, { errors }]) => errors.map((code) => [action, code]));

  it('covers the actions we call with their documented lists', () => {
    expect(documentedErrors().get('RunCommand')?.errors).toContain('InvalidParameterValue.InvalidCommandName');
    expect(documentedErrors().get('ModifyImageSharePermission')?.errors).toContain(
      'FailedOperation.AccountAlreadyExists',
    );
    expect(pairs.length).toBeGreaterThan(300);
  });

  it.each([...documentedErrors()].map(([action, { errors }]) => [action, errors] as const))(
    '%s: every documented code is classified',
    (_action, errors) => {
      expect(errors.filter((code) => !tableVerdict(code))).toEqual([]);
    },
  );

  it('classifies every common code', () => {
    expect([...COMMON_ERROR_CODES].filter((code) => !tableVerdict(code))).toEqual([]);
  });

  it('classifies the codes the pipeline relies on the documented way', () => {
    expect(verdictFor('InvalidParameterValue.InvalidCommandName')).toEqual({
      retryable: false,
      type: NON_RETRYABLE.invalidRequest,
    });
    expect(verdictFor('InvalidDisk.SnapshotCreating')).toEqual({ retryable: true });
    expect(verdictFor('FailedOperation.SnapshotSizeLargerThanDataSize').retryable).toBe(false);
    expect(verdictFor('ResourcesSoldOut.SpecifiedInstanceType')).toEqual({
      retryable: false,
      type: NON_RETRYABLE.launchFailed,
    });
    expect(verdictFor('UnsupportedOperation.InstanceStateLaunchFailed').retryable).toBe(false);
    expect(tableVerdict('SomethingNobodyDocumented')).toBeUndefined();
  });
});
