/** The teardown replay splits each server's runs between processes: every run in exactly one share. */
import { inShare } from '../chaos/replay';

it('every run is in exactly one share, and each share gets a fair part', () => {
  const runs = Array.from({ length: 300 }, (_, i) => [`cvm-image-${i % 37}`, `run-${i}`] as const);
  for (const parts of [1, 2, 3]) {
    const counts = Array.from({ length: parts }, () => 0);
    for (const [workflowId, runId] of runs) {
      const shares = counts.map((_, index) => inShare(workflowId, runId, { index, of: parts }));
      expect(shares.filter(Boolean)).toHaveLength(1);
      counts[shares.indexOf(true)]++;
    }
    // Not all runs to one process: each gets at least a fifth of an even split.
    for (const n of counts) expect(n).toBeGreaterThan(runs.length / parts / 5);
  }
});
