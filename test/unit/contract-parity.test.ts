/** The contract suite's parity report and cost plan (test/contract/). */
import { makePlan, pricesFrom } from '../contract/plan';
import { differences, type TargetRun } from '../contract/report';
import { SCENARIOS } from '../contract/scenarios';

const run = (results: TargetRun['results']): TargetRun => ({ runId: 'r', at: '2026-12-01T00:00:00Z', results });

test('differences lists each fact and outcome where emulator and live disagree, ignoring skipped scenarios', () => {
  const emulator = run([
    {
      scenario: 'sync-images',
      outcome: 'passed',
      facts: { copyTagged: false, copySource: 'CREATE_IMAGE' },
      timingsMs: {},
    },
    { scenario: 'quota', outcome: 'passed', facts: { quotaIsInteger: true }, timingsMs: { q: 1 } },
    { scenario: 'share-idempotent', outcome: 'passed', facts: { shareAgain: 'x' }, timingsMs: {} },
    { scenario: 'tat-running', outcome: 'passed', facts: { taskStatus: 'SUCCESS' }, timingsMs: {} },
  ]);
  const live = run([
    {
      scenario: 'sync-images',
      outcome: 'passed',
      facts: { copyTagged: true, copySource: 'CREATE_IMAGE' },
      timingsMs: {},
    },
    { scenario: 'quota', outcome: 'passed', facts: { quotaIsInteger: true }, timingsMs: { q: 900 } },
    { scenario: 'share-idempotent', outcome: 'skipped', facts: {}, timingsMs: {} },
    { scenario: 'tat-running', outcome: 'failed', facts: {}, timingsMs: {}, error: 'boom' },
  ]);
  expect(differences(emulator, live)).toEqual([
    { scenario: 'sync-images', what: 'copyTagged', emulator: false, live: true },
    { scenario: 'tat-running', what: 'outcome', emulator: 'passed', live: 'failed' },
    { scenario: 'tat-running', what: 'taskStatus', emulator: 'SUCCESS', live: undefined },
  ]);
  expect(differences(emulator, undefined)).toEqual([]);
});

test('the cost ceiling is the sum of the planned lines at the given prices and hours; skipped lines cost nothing', () => {
  const prices = { instanceHour: 1, snapshotGbHour: 0.01 };
  const plan = makePlan(SCENARIOS, { instanceType: 'S5.SMALL1', copyRegion: 'ap-shanghai' }, 3, prices);
  // One instance for 3 h, 50 GB image + 50 GB copy for 3 h.
  expect(plan.ceilingCny).toBeCloseTo(3 + 100 * 0.01 * 3);
  expect(plan.lines.find((l) => l.scenario === 'share-idempotent')?.skipped).toBeDefined();
});

test('CVM_IMAGE_CONTRACT_PRICES overrides the assumed prices and names a bad member', () => {
  expect(pricesFrom({ CVM_IMAGE_CONTRACT_PRICES: '{"instanceHour":0.2}' }).instanceHour).toBe(0.2);
  expect(() => pricesFrom({ CVM_IMAGE_CONTRACT_PRICES: '{"diskHour":1}' })).toThrow(/diskHour/);
  expect(() => pricesFrom({ CVM_IMAGE_CONTRACT_PRICES: '{"instanceHour":-1}' })).toThrow(/instanceHour/);
});
