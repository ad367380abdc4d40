/**
 * The short chaos run that CI carries (the full one is `npm run chaos`, docs/chaos.md): a fleet of 10
 * pipelines while the worker process is SIGKILLed twice and restarted; every run must complete with
 * 0 duplicates, 0 orphans and every source instance restored, as the invariant checker reads the cloud.
 */
import { chaosTiming, killWorker, runFleetScenario, type FleetConfig } from '../chaos/scenarios';
import { testAddress } from '../helpers/temporal';

jest.setTimeout(150_000);

describe('chaos (short): worker SIGKILLed mid-run', () => {
  it('10 pipelines, 2 kills: all complete, nothing duplicated, orphaned or left stopped', async () => {
    const cfg: FleetConfig = {
      pipelines: 10,
      kills: 2,
      serverRestarts: 0,
      seed: 11,
      ...chaosTiming(60),
      // A call lost with the worker is retried after its 60 s start-to-close timeout.
      timeoutMs: 120_000,
      address: testAddress(),
      gapMs: [1000, 2500],
    };
    const { row, violations, histories } = await runFleetScenario('ci', cfg, killWorker(cfg));
    expect(violations).toEqual([]);
    expect(row).toMatchObject({
      faults: '2 worker kills',
      pipelines: 10,
      completed: 10,
      duplicates: 0,
      orphans: 0,
      notRestored: 0,
      missing: 0,
    });
    expect(histories).toHaveLength(10);
  });
});
