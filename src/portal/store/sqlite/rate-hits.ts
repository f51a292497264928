import type { RateDecision } from '../../../lib/rate-limit.js';
import type { Db } from '../db.js';
import { RATE_HITS } from '../queries.js';
import { decide, RATE_HITS_KEEP_MS, RATE_HITS_PURGE_EVERY, type BucketHistory, type RateHitStore } from '../rate-hits.js';

/** RateHitStore on SQLite: `take` is one IMMEDIATE transaction, so processes on the file queue. */
export class SqliteRateHits implements RateHitStore {
  private readonly history;
  private readonly insert;
  private readonly purge;
  private readonly takeTx;
  private inserts = 0;

  constructor(db: Db) {
    this.history = db.prepare(RATE_HITS.history);
    this.insert = db.prepare(RATE_HITS.insert);
    this.purge = db.prepare(RATE_HITS.purge);
    this.takeTx = db.transaction((bucket: string, limit: number, windowMs: number, now: number): RateDecision => {
      const decision = decide(this.seen(bucket, windowMs, now), limit, windowMs, now);
      if (decision.allowed) this.add(bucket, now);
      return decision;
    });
  }

  async take(bucket: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    return this.takeTx.immediate(bucket, limit, windowMs, now);
  }

  async record(bucket: string, now: number): Promise<void> {
    this.add(bucket, now);
  }

  async peek(bucket: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    return decide(this.seen(bucket, windowMs, now), limit, windowMs, now);
  }

  private seen(bucket: string, windowMs: number, now: number): BucketHistory {
    return this.history.get({ bucket, since: now - windowMs }) as BucketHistory;
  }

  private add(bucket: string, now: number): void {
    this.insert.run({ bucket, now });
    if (++this.inserts % RATE_HITS_PURGE_EVERY === 0) this.purge.run({ before: now - RATE_HITS_KEEP_MS });
  }
}
