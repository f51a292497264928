import type { RateDecision } from '../../lib/rate-limit.js';
import type { Db } from '../store/db.js';

/** Hits older than this are deleted whatever their bucket's window (the longest window is 1 day). */
const KEEP_MS = 24 * 60 * 60 * 1000;
/** One purge of every bucket per this many recorded hits. */
const PURGE_EVERY = 500;

export interface BucketHistory {
  count: number;
  /** Time of the oldest and newest hit in the window (null when there is none). */
  oldest: number | null;
  newest: number | null;
}

/**
 * The rate_hits table: timestamped hits per bucket, so every limit built on it (buy and renew per
 * client, admin sign-in failures) is a rolling window shared by every process on the database.
 * The only writer of rate_hits.
 */
export class RateStore {
  private readonly historyStmt;
  private readonly insertStmt;
  private readonly trimStmt;
  private readonly purgeStmt;
  private readonly takeTx;
  private inserts = 0;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.historyStmt = db.prepare<[string, number], BucketHistory>(
      'SELECT count(*) AS count, min(at) AS oldest, max(at) AS newest FROM rate_hits WHERE bucket = ? AND at > ?',
    );
    this.insertStmt = db.prepare<[string, number]>('INSERT INTO rate_hits (bucket, at) VALUES (?, ?)');
    this.trimStmt = db.prepare<[string, number]>('DELETE FROM rate_hits WHERE bucket = ? AND at <= ?');
    this.purgeStmt = db.prepare<[number]>('DELETE FROM rate_hits WHERE at <= ?');
    this.takeTx = db.transaction((bucket: string, limit: number, windowMs: number): RateDecision => {
      const now = this.now();
      const seen = this.historyStmt.get(bucket, now - windowMs)!;
      if (seen.count >= limit) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((seen.oldest! + windowMs - now) / 1000)) };
      }
      this.insert(bucket, now, windowMs);
      return { allowed: true, retryAfterSeconds: 0 };
    });
  }

  /** Counts a hit in `bucket` if it had fewer than `limit` in the last `windowMs` (atomically). */
  take(bucket: string, limit: number, windowMs: number): RateDecision {
    return this.takeTx.immediate(bucket, limit, windowMs);
  }

  /** Counts a hit in `bucket` unconditionally (a failed sign-in). */
  record(bucket: string, windowMs: number): void {
    this.insert(bucket, this.now(), windowMs);
  }

  /** The hits of `bucket` in the last `windowMs`. */
  history(bucket: string, windowMs: number): BucketHistory {
    return this.historyStmt.get(bucket, this.now() - windowMs)!;
  }

  /** Forgets a bucket (a successful sign-in clears its own failures). */
  clear(bucket: string): void {
    this.trimStmt.run(bucket, Number.MAX_SAFE_INTEGER);
  }

  private insert(bucket: string, now: number, windowMs: number): void {
    this.trimStmt.run(bucket, now - windowMs);
    this.insertStmt.run(bucket, now);
    if (++this.inserts % PURGE_EVERY === 0) this.purgeStmt.run(now - KEEP_MS);
  }
}
