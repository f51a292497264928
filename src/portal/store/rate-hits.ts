import type { RateDecision } from '../../lib/rate-limit.js';
import type { BucketHistory, RateStore } from '../limits/store.js';

/** Hits older than this are purged whatever their bucket (no window is longer than a day). */
export const RATE_HITS_KEEP_MS = 24 * 60 * 60 * 1000;
/** One purge of every bucket per this many recorded hits. */
export const RATE_HITS_PURGE_EVERY = 500;

/** Whether a bucket with this history has room for one more hit in the window. */
export function decide(seen: BucketHistory, limit: number, windowMs: number, now: number): RateDecision {
  if (seen.count < limit) return { allowed: true, retryAfterSeconds: 0 };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((seen.oldest! + windowMs - now) / 1000)) };
}

/** A rolling-window limit on one kind of hit, per client key, on the shared RateStore. */
export class SharedLimiter {
  constructor(
    private readonly store: RateStore,
    private readonly name: string,
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a hit for `key` if there is room. */
  hit(key: string): Promise<RateDecision> {
    return this.store.take(`${this.name}:${key}`, this.limit, this.windowMs, this.now());
  }

  /** Whether `key` has room, without counting a hit. */
  async peek(key: string): Promise<RateDecision> {
    const now = this.now();
    return decide(await this.store.history(`${this.name}:${key}`, this.windowMs, now), this.limit, this.windowMs, now);
  }
}
