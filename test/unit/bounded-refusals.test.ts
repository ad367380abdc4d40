/**
 * A refusal travels as a Temporal failure (message + details), and payloads over 2 MB fail the workflow
 * task forever: whatever the input, a refusal stays small and still names the field.
 */
import { ApplicationFailure } from '@temporalio/common';
import { validateDeleteInput } from '../../src/workflows/lifecycle-validation';
import { validateInput } from '../../src/workflows/validation';

const valid = { region: 'ap-guangzhou', instanceId: 'ins-1a2b3c4d', imageName: 'web-1' };
const MB = 'k'.repeat(1024 * 1024);
/** Far below Temporal's 2 MB payload limit, with room for the rest of the failure. */
const MAX_REFUSAL_BYTES = 16 * 1024;

function refusal(validate: () => unknown): ApplicationFailure {
  try {
    validate();
  } catch (err) {
    if (err instanceof ApplicationFailure) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

const size = (f: ApplicationFailure) => Buffer.byteLength(f.message) + Buffer.byteLength(JSON.stringify(f.details));
const problems = (f: ApplicationFailure) =>
  (f.details?.[0] as { problems: { field: string; message: string }[] }).problems;

describe('refusals are bounded in size', () => {
  it('a 1 MB unknown field name: named by its start, the refusal a few KB', () => {
    const f = refusal(() => validateInput({ ...valid, [MB]: 1 }));
    expect(f.type).toBe('InvalidPipelineInput');
    expect(f.nonRetryable).toBe(true);
    expect(size(f)).toBeLessThan(MAX_REFUSAL_BYTES);
    expect(f.message).toContain('kkkkkkkk');
    expect(f.message).toContain('is not a known field');
    expect(problems(f)[0].field).toMatch(/^k+… \(1048576 characters\)$/);
  });

  it('a 1 MB tag key and a 1 MB nested unknown field', () => {
    const f = refusal(() => validateInput({ ...valid, tags: { [MB]: 'v' }, launch: { count: 1, [MB]: true } }));
    expect(size(f)).toBeLessThan(MAX_REFUSAL_BYTES);
    expect(problems(f).map((p) => p.field.slice(0, 12))).toEqual(
      expect.arrayContaining(['tags.kkkkkkk', 'launch.kkkkk']),
    );
  });

  it('100,000 unknown fields: the first ones listed, the rest counted', () => {
    const many = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`field${i}`, i]));
    const f = refusal(() => validateInput({ ...valid, ...many }));
    expect(size(f)).toBeLessThan(MAX_REFUSAL_BYTES);
    expect(f.message).toContain('field0: is not a known field');
    expect(f.message).toMatch(/and 99,?\d{3} more problems/);
  });

  it('lifecycle inputs too', () => {
    const f = refusal(() => validateDeleteInput({ region: 'ap-guangzhou', imageId: 'img-12345678', [MB]: 1 }));
    expect(f.type).toBe('InvalidLifecycleInput');
    expect(size(f)).toBeLessThan(MAX_REFUSAL_BYTES);
    expect(f.message).toContain('is not a known field');
  });
});
