import type { RateDecision } from '../../../lib/rate-limit.js';
import type { BucketHistory, RateStore } from '../../limits/store.js';
import type { Db } from '../db.js';
import { RATE_HITS } from '../queries.js';
import { decide, RATE_HITS_KEEP_MS, RATE_HITS_PURGE_EVERY } from '../rate-hits.js';


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
    this.historyStmt = db.prepare(RATE_HITS.history);
    this.insertStmt = db.prepare(RATE_HITS.insert);
    this.trimStmt = db.prepare(RATE_HITS.trim);
    this.purgeStmt = db.prepare(RATE_HITS.purge);
    this.takeTx = db.transaction((bucket: string, limit: number, windowMs: number, now: number): RateDecision => {
      const decision = decide(this.historyStmt.get({ bucket, since: now - windowMs }) as BucketHistory, limit, windowMs, now);
      if (decision.allowed) this.insert(bucket, now, windowMs);
      return decision;
    });
  }

  async take(bucket: string, limit: number, windowMs: number, now = this.now()): Promise<RateDecision> {
    return this.takeTx.immediate(bucket, limit, windowMs, now);
  }

  async record(bucket: string, windowMs: number, now = this.now()): Promise<void> {
    this.insert(bucket, now, windowMs);
  }

  async history(bucket: string, windowMs: number, now = this.now()): Promise<BucketHistory> {
    return this.historyStmt.get({ bucket, since: now - windowMs }) as BucketHistory;
  }

  async clear(bucket: string): Promise<void> {
    this.trimStmt.run({ bucket, before: Number.MAX_SAFE_INTEGER });
  }

  private insert(bucket: string, now: number, windowMs: number): void {
    this.trimStmt.run({ bucket, before: now - windowMs });
    this.insertStmt.run({ bucket, now });
    if (++this.inserts % RATE_HITS_PURGE_EVERY === 0) this.purgeStmt.run({ before: now - RATE_HITS_KEEP_MS });
  }
}
