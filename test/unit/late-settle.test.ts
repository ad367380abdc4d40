import { settleUntil } from '../../src/activities/reconcile';

describe('settleUntil: how long the final reconciliation waits for late-applied calls', () => {
  const settle = 30_000;
  it('waits nothing when this worker saw the whole run and every mutation was answered', () => {
    expect(settleUntil(undefined, 1_000, 5_000, settle)).toBe(0);
  });
  it('waits the window after the last unanswered mutation', () => {
    expect(settleUntil(9_000, 1_000, 5_000, settle)).toBe(39_000);
  });
  it('waits the window after the worker began when the run is older than the worker (a crash may have left a call)', () => {
    expect(settleUntil(undefined, 8_000, 5_000, settle)).toBe(38_000);
    expect(settleUntil(12_000, 8_000, 5_000, settle)).toBe(42_000);
  });
});
