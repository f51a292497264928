import type { Logger } from '../../../lib/logger.js';
import type { PortalConfig } from '../../config.js';
import { POSTGRES_ADMIN, SqlAdminReads } from '../admin-reads.js';
import { SqlHealthProbe } from '../health.js';
import { closeOnce, type OpenedDatabase, type PortalStores } from '../opened.js';
import { SqlKvStore } from '../kv.js';
import { SqlMetricsReads } from '../metrics-reads.js';
import { pgInquiryStore } from './inquiries.js';
import { migrate } from './migrations.js';
import { PgOrderStore } from './orders.js';
import { openPool } from './pool.js';
import { PgRateStore } from './rate-hits.js';
import { PgSql } from './sql.js';
import { PgWebhookEventStore } from './webhook-events.js';

/** The portal's stores on PostgreSQL at DATABASE_URL, migrated under an advisory lock first. */
export async function openPostgres(config: PortalConfig, logger: Logger): Promise<OpenedDatabase> {
  const pool = openPool({ url: config.databaseUrl!, poolSize: config.databasePoolSize, statementTimeoutMs: config.databaseStatementTimeoutMs }, logger);
  try {
    const client = await pool.connect();
    try {
      const applied = await migrate(client);
      if (applied > 0) logger.info({ applied }, 'database: migrations applied');
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end();
    throw err;
  }
  const sql = new PgSql(pool);
  const orders = new PgOrderStore(pool);
  const stores: PortalStores = {
    orders,
    // Half the pool for the receiver's transactions: pages and the workers keep the rest.
    webhookEvents: new PgWebhookEventStore(pool, orders, Math.max(1, Math.floor(config.databasePoolSize / 2))),
    inquiries: pgInquiryStore(pool),
    admin: new SqlAdminReads(sql, POSTGRES_ADMIN),
    health: new SqlHealthProbe(sql),
    kv: new SqlKvStore(sql),
    metrics: new SqlMetricsReads(sql),
    rates: new PgRateStore(pool),
  };
  return { stores, sql, sqlite: undefined, close: closeOnce(() => pool.end()) };
}
