import { liveMemory, type GcSample } from '../../bench/live-memory';
import type { RssSample } from '../../bench/sampler';

const MB = 2 ** 20;
const T0 = 1_000_000;

describe('live memory after forced GC (bench/live-memory.ts), by hand', () => {
  // In flight as the bench saw it: none before the start, 10 from 0 to 20 s, then 5, then none.
  const inFlight: RssSample[] = [
    { t: 0, rssBytes: 0, inFlight: 10 },
    { t: 10_000, rssBytes: 0, inFlight: 10 },
    { t: 20_000, rssBytes: 0, inFlight: 5 },
    { t: 30_000, rssBytes: 0, inFlight: 0 },
  ];
  const main = (t: number, rssMb: number, heapMb: number): GcSample => ({
    at: T0 + t,
    thread: 0,
    rss: rssMb * MB,
    heapUsed: heapMb * MB,
    external: 0,
  });
  const workflows = (t: number, heapMb: number): GcSample => ({
    at: T0 + t,
    thread: 1,
    rss: 0,
    heapUsed: heapMb * MB,
    external: 0,
  });
  const gc = [
    main(-5_000, 100, 10),
    workflows(-4_000, 5),
    main(-1_000, 110, 10), // baseline: heap 10 + 5 (the workflow thread's last report)
    workflows(1_000, 25),
    main(2_000, 130, 12), // 10 in flight
    main(10_000, 150, 12), // 10 in flight
    workflows(11_000, 35),
    main(12_000, 140, 13), // 10 in flight
    main(20_000, 135, 12), // 5 in flight: below the plateau
    workflows(29_000, 5),
    main(30_000, 120, 10), // none in flight
  ];

  it('sums every thread, takes the plateau median against the last sample before the start', () => {
    const m = liveMemory(gc, inFlight, T0)!;
    expect(m.samples.map((s) => [s.t, s.inFlight, s.heapUsedBytes / MB])).toEqual([
      [-5_000, 0, 10],
      [-1_000, 0, 15],
      [2_000, 10, 37],
      [10_000, 10, 37],
      [12_000, 10, 48],
      [20_000, 5, 47],
      [30_000, 0, 15],
    ]);
    expect(m.baseline).toMatchObject({ t: -1_000, rssBytes: 110 * MB });
    // Plateau (≥ 9 in flight): RSS 130, 150, 140 → median 140; heap 37, 37, 48 → 37.
    expect(m.steady).toMatchObject({ rssBytes: 140 * MB, heapUsedBytes: 37 * MB, inFlight: 10, samples: 3 });
    expect(m.perPipelineBytes).toEqual({ rss: 3 * MB, heapUsed: Math.round(2.2 * MB) });
    expect(m.after).toMatchObject({ t: 30_000, rssBytes: 120 * MB, heapUsedBytes: 15 * MB });
    // Given back once all ended: RSS (140 − 120) / 10, heap (37 − 15) / 10.
    expect(m.releasedPerPipelineBytes).toEqual({ rss: 2 * MB, heapUsed: Math.round(2.2 * MB) });
    expect(m.slopeBytes.rss).toBeGreaterThan(0);
  });

  it('nothing from the main thread: no figure', () => {
    expect(liveMemory([workflows(0, 5)], inFlight, T0)).toBeNull();
  });
});
