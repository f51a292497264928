import type { RateDecision } from '../../lib/rate-limit.js';

export interface BucketHistory {
  count: number;
  /** Time of the oldest and newest hit in the window (null when there is none). */
  oldest: number | null;
  newest: number | null;
}

/**
 * Timestamped hits per bucket ("buy:203.0.113.9", "signin:user:admin"), so every limit built on
 * them is a rolling window shared by every process on the database. The SQLite implementation is
 * src/portal/store/sqlite/rate-hits.ts (the only writer of rate_hits).
 */
export interface RateStore {
  /** Counts a hit in `bucket` if it had fewer than `limit` in the last `windowMs` (atomically). */
  take(bucket: string, limit: number, windowMs: number): Promise<RateDecision>;
  /** Counts a hit in `bucket` unconditionally (a failed sign-in). */
  record(bucket: string, windowMs: number): Promise<void>;
  /** The hits of `bucket` in the last `windowMs`. */
  history(bucket: string, windowMs: number): Promise<BucketHistory>;
  /** Forgets a bucket (a successful sign-in clears its own failures). */
  clear(bucket: string): Promise<void>;
}
