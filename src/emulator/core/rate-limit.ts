/** Token buckets per (action, region) at Tencent's documented per-second figures. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  enabled: boolean;

  constructor(enabled = true) {
    this.enabled = enabled;
  }

  /** Takes one token; false when the bucket is empty (→ RequestLimitExceeded). */
  take(action: string, region: string, perSecond: number, now: number): boolean {
    if (!this.enabled) return true;
    const key = `${action}/${region}`;
    const bucket = this.buckets.get(key) ?? { tokens: perSecond, at: now };
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}
