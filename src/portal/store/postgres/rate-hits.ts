import type pg from 'pg';
import type { RateDecision } from '../../../lib/rate-limit.js';
import type { BucketHistory, RateStore } from '../../limits/store.js';
import { RATE_HITS } from '../queries.js';
import { decide, RATE_HITS_KEEP_MS, RATE_HITS_PURGE_EVERY } from '../rate-hits.js';
import { PgSql, transaction } from './sql.js';

/**
 * RateStore on PostgreSQL: `take` holds a transaction-scoped advisory lock on the bucket, so two
 * processes counting the same client at once queue instead of both slipping under the limit.
 */
export class PgRateStore implements RateStore {
  private readonly sql: PgSql;
  private inserts = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number = Date.now,
  ) {
    this.sql = new PgSql(pool);
  }

  take(bucket: string, limit: number, windowMs: number, now = this.now()): Promise<RateDecision> {
    return transaction(this.pool, async (tx) => {
      await tx.run('SELECT pg_advisory_xact_lock(hashtext(@bucket))', { bucket });
      const decision = decide(await this.seen(tx, bucket, windowMs, now), limit, windowMs, now);
      if (decision.allowed) await this.insert(tx, bucket, now, windowMs);
      return decision;
    });
  }

  record(bucket: string, windowMs: number, now = this.now()): Promise<void> {
    return transaction(this.pool, (tx) => this.insert(tx, bucket, now, windowMs));
  }

  history(bucket: string, windowMs: number, now = this.now()): Promise<BucketHistory> {
    return this.seen(this.sql, bucket, windowMs, now);
  }

  async clear(bucket: string): Promise<void> {
    await this.sql.run(RATE_HITS.trim, { bucket, before: Number.MAX_SAFE_INTEGER });
  }

  private async seen(sql: PgSql, bucket: string, windowMs: number, now: number): Promise<BucketHistory> {
    return (await sql.get<BucketHistory>(RATE_HITS.history, { bucket, since: now - windowMs }))!;
  }

  private async insert(tx: PgSql, bucket: string, now: number, windowMs: number): Promise<void> {
    await tx.run(RATE_HITS.trim, { bucket, before: now - windowMs });
    await tx.run(RATE_HITS.insert, { bucket, now });
    if (++this.inserts % RATE_HITS_PURGE_EVERY === 0) await tx.run(RATE_HITS.purge, { before: now - RATE_HITS_KEEP_MS });
  }
}
