import type { RateDecision } from '../../../lib/rate-limit.js';
import type { BucketHistory, RateStore } from '../../limits/store.js';
import type { Db } from '../db.js';

/** Hits older than this are deleted whatever their bucket's window (the longest window is 1 day). */
const KEEP_MS = 24 * 60 * 60 * 1000;
/** One purge of every bucket per this many recorded hits. */
const PURGE_EVERY = 500;

/** RateStore on SQLite: `take` is one IMMEDIATE transaction, so concurrent processes count exactly. */
export class SqliteRateStore implements RateStore {
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

  async take(bucket: string, limit: number, windowMs: number): Promise<RateDecision> {
    return this.takeTx.immediate(bucket, limit, windowMs);
  }

  async record(bucket: string, windowMs: number): Promise<void> {
    this.insert(bucket, this.now(), windowMs);
  }

  async history(bucket: string, windowMs: number): Promise<BucketHistory> {
    return this.historyStmt.get(bucket, this.now() - windowMs)!;
  }

  async clear(bucket: string): Promise<void> {
    this.trimStmt.run(bucket, Number.MAX_SAFE_INTEGER);
  }

  private insert(bucket: string, now: number, windowMs: number): void {
    this.trimStmt.run(bucket, now - windowMs);
    this.insertStmt.run(bucket, now);
    if (++this.inserts % PURGE_EVERY === 0) this.purgeStmt.run(now - KEEP_MS);
  }
}
