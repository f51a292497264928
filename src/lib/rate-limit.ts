export interface RateDecision {
  allowed: boolean;
  /** Seconds until the oldest counted hit leaves the window (0 when allowed). */
  retryAfterSeconds: number;
}

/**
 * A rolling-window limiter: at most `limit` hits per `windowMs` for each key, counted over the
 * last `windowMs` exactly (no fixed buckets, so no double burst at a boundary). Memory per key is
 * bounded by `limit`; idle keys are swept.
 */
export class RollingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a hit for `key` if there is room. */
  hit(key: string): RateDecision {
    const now = this.now();
    this.sweep(now);
    const cutoff = now - this.windowMs;
    let times = this.hits.get(key);
    if (!times) {
      times = [];
      this.hits.set(key, times);
    }
    while (times.length > 0 && times[0]! <= cutoff) times.shift();
    if (times.length >= this.limit) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((times[0]! - cutoff) / 1000)) };
    }
    times.push(now);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /** Whether `key` has room, without counting a hit. */
  peek(key: string): RateDecision {
    const now = this.now();
    const cutoff = now - this.windowMs;
    const times = this.hits.get(key)?.filter((t) => t > cutoff) ?? [];
    if (times.length >= this.limit) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((times[0]! - cutoff) / 1000)) };
    }
    return { allowed: true, retryAfterSeconds: 0 };
  }

  reset(): void {
    this.hits.clear();
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    const cutoff = now - this.windowMs;
    for (const [key, times] of this.hits) {
      if (times.length === 0 || times[times.length - 1]! <= cutoff) this.hits.delete(key);
    }
  }
}
