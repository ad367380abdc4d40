import { EXPECTED_IMAGE_MS, barPercent, imageWaitEstimate, stageLabel } from '../../src/cli/watch';

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

describe('image wait estimate (Tencent reports no percent for an image being created)', () => {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const waiting = { stage: 'waiting-for-image' as const, percent: 16, updatedAt: new Date(start).toISOString() };

  it('moves with the time waited against the expected 10 minutes, and says so', () => {
    expect(imageWaitEstimate(waiting, start)).toEqual({ percent: 16, label: 'waiting-for-image 0s of ~10m00s' });
    const half = imageWaitEstimate(waiting, start + EXPECTED_IMAGE_MS / 2)!;
    expect(half.percent).toBe(37);
    expect(half.label).toBe('waiting-for-image 5m00s of ~10m00s');
  });

  it('never reaches the next stage while still waiting, however long it takes', () => {
    const late = imageWaitEstimate(waiting, start + 5 * EXPECTED_IMAGE_MS)!;
    expect(late.percent).toBeLessThan(58);
    expect(late.label).toBe('waiting-for-image 50m00s of ~10m00s');
  });

  it('applies only to the image wait', () => {
    expect(imageWaitEstimate({ ...waiting, stage: 'snapshotting-data-disks' }, start + 1000)).toBeUndefined();
  });
});
