import type pg from 'pg';
import type { RateDecision } from '../../../lib/rate-limit.js';
import { RATE_HITS } from '../queries.js';
import { decide, RATE_HITS_KEEP_MS, RATE_HITS_PURGE_EVERY, type BucketHistory, type RateHitStore } from '../rate-hits.js';
import { PgSql, transaction } from './sql.js';

/**
 * RateHitStore on PostgreSQL: `take` holds a transaction-scoped advisory lock on the bucket, so
 * two processes counting the same client at once queue instead of both slipping under the limit.
 */
export class PgRateHits implements RateHitStore {
  private readonly sql: PgSql;
  private inserts = 0;

  constructor(private readonly pool: pg.Pool) {
    this.sql = new PgSql(pool);
  }

  take(bucket: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    return transaction(this.pool, async (tx) => {
      await tx.run('SELECT pg_advisory_xact_lock(hashtext(@bucket))', { bucket });
      const decision = decide(await this.seen(tx, bucket, windowMs, now), limit, windowMs, now);
      if (decision.allowed) await this.add(tx, bucket, now);
      return decision;
    });
  }

  record(bucket: string, now: number): Promise<void> {
    return this.add(this.sql, bucket, now);
  }

  async peek(bucket: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    return decide(await this.seen(this.sql, bucket, windowMs, now), limit, windowMs, now);
  }

  private async seen(sql: PgSql, bucket: string, windowMs: number, now: number): Promise<BucketHistory> {
    return (await sql.get<BucketHistory>(RATE_HITS.history, { bucket, since: now - windowMs }))!;
  }

  private async add(sql: PgSql, bucket: string, now: number): Promise<void> {
    await sql.run(RATE_HITS.insert, { bucket, now });
    if (++this.inserts % RATE_HITS_PURGE_EVERY === 0) await this.sql.run(RATE_HITS.purge, { before: now - RATE_HITS_KEEP_MS });
  }
}
