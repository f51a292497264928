import type { RateDecision } from '../../lib/rate-limit.js';

/** A bucket's hits in the window: how many, and when the oldest was (null when none). */
export interface BucketHistory {
  count: number;
  oldest: number | null;
}

/**
 * The rate_hits table: timestamped hits per bucket ('inquiry:<ip>', 'admin-login:<ip>'), so a
 * limit is a rolling window shared by every process on the database. The only writer of it.
 */
export interface RateHitStore {
  /** Counts a hit if the bucket had fewer than `limit` in the last `windowMs` — atomically, across processes. */
  take(bucket: string, limit: number, windowMs: number, now: number): Promise<RateDecision>;
  /** Counts a hit whatever the count (a failed sign-in). */
  record(bucket: string, now: number): Promise<void>;
  /** Whether the bucket has room, without counting. */
  peek(bucket: string, limit: number, windowMs: number, now: number): Promise<RateDecision>;
}

/** Hits older than this are purged whatever their bucket (no window is longer than a day). */
export const RATE_HITS_KEEP_MS = 24 * 60 * 60 * 1000;
/** One purge per this many recorded hits. */
export const RATE_HITS_PURGE_EVERY = 500;

export function decide(seen: BucketHistory, limit: number, windowMs: number, now: number): RateDecision {
  if (seen.count < limit) return { allowed: true, retryAfterSeconds: 0 };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((seen.oldest! + windowMs - now) / 1000)) };
}

/** A limit on one kind of hit, per client key, on the shared store. */
export class SharedLimiter {
  constructor(
    private readonly store: RateHitStore,
    private readonly name: string,
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): Promise<RateDecision> {
    return this.store.take(`${this.name}:${key}`, this.limit, this.windowMs, this.now());
  }

  record(key: string): Promise<void> {
    return this.store.record(`${this.name}:${key}`, this.now());
  }

  peek(key: string): Promise<RateDecision> {
    return this.store.peek(`${this.name}:${key}`, this.limit, this.windowMs, this.now());
  }
}
