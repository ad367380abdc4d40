import { STAGE_ORDER, overallPercent } from '../../src/client/stages';
import type { StageName } from '../../src/workflows/types';

describe('overallPercent', () => {
  it('rises strictly along the stage order and ends at 100', () => {
    const values = STAGE_ORDER.map((stage) => overallPercent({ stage }));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    expect(values[0]).toBe(0);
    expect(values[values.length - 1]).toBe(100);
  });

  it("fills a stage's slice with the stage's own percent, without reaching the next stage", () => {
    const start = overallPercent({ stage: 'waiting-for-image' });
    const half = overallPercent({ stage: 'waiting-for-image', percent: 50 });
    const full = overallPercent({ stage: 'waiting-for-image', percent: 100 });
    const next = overallPercent({ stage: 'restoring-fstab' });
    expect(half).toBeGreaterThan(start);
    expect(full).toBeGreaterThan(half);
    expect(full).toBeLessThanOrEqual(next);
  });

  it('never goes backwards, and off-path stages keep the last value', () => {
    expect(overallPercent({ stage: 'inspecting' }, 60)).toBe(60);
    for (const stage of ['compensating', 'failed', 'cancelled'] as StageName[]) {
      expect(overallPercent({ stage }, 42)).toBe(42);
    }
  });

  it('stays below 100 until the run is completed, whatever a stage reports', () => {
    expect(overallPercent({ stage: 'cleaning-up-launch', percent: 100 })).toBeLessThan(100);
    expect(overallPercent({ stage: 'inspecting', percent: 1000 })).toBeLessThanOrEqual(
      overallPercent({ stage: 'checking-quota' }),
    );
  });
});
