/**
 * Every case of the bad-input catalog against validation, the pure function the workflow runs first: ONE
 * non-retryable InvalidPipelineInput that names the field (in the message, and in the problem list the CLI
 * maps to flags). Inputs travel as the payload converter carries them (JSON), so JSON tricks stay tricks.
 * The refusal reaching the workflow's failure before any cloud call: test/integration/bad-input.test.ts.
 */
import { ApplicationFailure } from '@temporalio/common';
import { validateInput } from '../../src/workflows/validation';
import { CATALOG, CATALOG_INSTANCE, CATALOG_REGION } from '../helpers/bad-input-catalog';

const asPayload = (input: unknown): unknown => {
  const text = JSON.stringify(input);
  return text === undefined ? undefined : JSON.parse(text);
};

function refusal(input: unknown): ApplicationFailure {
  try {
    validateInput(asPayload(input));
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('validation accepted the input');
}

describe('the bad-input catalog', () => {
  it('holds at least 30 inputs, each with a distinct name', () => {
    expect(CATALOG.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CATALOG.map((c) => c.name)).size).toBe(CATALOG.length);
  });

  it.each(CATALOG.map((c) => [c.name, c] as const))('%s: refused, naming the field', (_name, c) => {
    const failure = refusal(c.input());
    expect(failure.type).toBe('InvalidPipelineInput');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain(`${c.field}:`);
    if (c.says) expect(failure.message).toMatch(c.says);
    const problems = (failure.details?.[0] as { problems: { field: string }[] }).problems;
    expect(problems.map((p) => p.field)).toContain(c.field);
  });

  it('a valid input at the limits is accepted (the catalog does not refuse everything)', () => {
    const input = { region: CATALOG_REGION, instanceId: CATALOG_INSTANCE, imageName: 'n'.repeat(60), dryRun: true };
    expect(validateInput(asPayload(input))).toMatchObject({ imageName: 'n'.repeat(60), dryRun: true });
  });
});
