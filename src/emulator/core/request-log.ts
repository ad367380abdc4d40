/** Counts per action and region, and per-second peaks — what benchmarks read from `GET /_emulator/requests`. */
export interface RequestStats {
  counts: Record<string, Record<string, number>>;
  peakRps: Record<string, number>;
  /** Per-second peaks per action and region (Tencent's limits count per action and region). */
  peakRpsByRegion: Record<string, Record<string, number>>;
  /** RequestLimitExceeded answers per action. */
  throttled: Record<string, number>;
  total: number;
}

export class RequestLog {
  private counts: Record<string, Record<string, number>> = {};
  private peaks: Record<string, number> = {};
  private regionPeaks: Record<string, Record<string, number>> = {};
  private throttled: Record<string, number> = {};
  private windows = new Map<string, { second: number; n: number }>();
  private total = 0;

  record(action: string, region: string, now: number): void {
    this.total++;
    const byRegion = (this.counts[action] ??= {});
    byRegion[region] = (byRegion[region] ?? 0) + 1;
    const second = Math.floor(now / 1000);
    const w = this.windows.get(action);
    const n = w && w.second === second ? w.n + 1 : 1;
    this.windows.set(action, { second, n });
    this.peaks[action] = Math.max(this.peaks[action] ?? 0, n);
    const key = `${action}\n${region}`;
    const rw = this.windows.get(key);
    const rn = rw && rw.second === second ? rw.n + 1 : 1;
    this.windows.set(key, { second, n: rn });
    const peaks = (this.regionPeaks[action] ??= {});
    peaks[region] = Math.max(peaks[region] ?? 0, rn);
  }

  recordThrottled(action: string): void {
    this.throttled[action] = (this.throttled[action] ?? 0) + 1;
  }

  stats(): RequestStats {
    return {
      counts: structuredClone(this.counts),
      peakRps: { ...this.peaks },
      peakRpsByRegion: structuredClone(this.regionPeaks),
      throttled: { ...this.throttled },
      total: this.total,
    };
  }

  reset(): void {
    this.counts = {};
    this.peaks = {};
    this.regionPeaks = {};
    this.throttled = {};
    this.windows.clear();
    this.total = 0;
  }
}
