import { barPercent, stageLabel } from '../../src/cli/watch';

describe('progress bar value', () => {
  it("follows the workflow's whole-pipeline percent", () => {
    expect(barPercent({ stage: 'waiting-for-image', percent: 16 })).toBe(16);
    expect(barPercent({ stage: 'snapshotting-data-disks', percent: 70.6 }, 16)).toBe(71);
  });

  it('never moves backwards (compensation, failure, a missing percent)', () => {
    expect(barPercent({ stage: 'compensating', percent: 0 }, 64)).toBe(64);
    expect(barPercent({ stage: 'failed', percent: 0 }, 64)).toBe(64);
    expect(barPercent({ stage: 'inspecting' }, 12)).toBe(12);
  });

  it('reaches 100 only when the run has completed', () => {
    expect(barPercent({ stage: 'cleaning-up-launch', percent: 100 })).toBe(99);
    expect(barPercent({ stage: 'completed', percent: 100 }, 99)).toBe(100);
  });
});

describe('stage label', () => {
  it("adds the stage's own percent when there is one", () => {
    expect(stageLabel({ stage: 'snapshotting-data-disks', stagePercent: 42.4 })).toBe('snapshotting-data-disks 42%');
    expect(stageLabel({ stage: 'stopping' })).toBe('stopping');
  });
});
