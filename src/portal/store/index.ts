import type { Logger } from '../../lib/logger.js';
import type { PortalConfig } from '../config.js';
import { SQLITE_ADMIN, SqlAdminReads } from './admin-reads.js';
import { openPortalDb } from './db.js';
import { SqlHealthProbe } from './health.js';
import { SqlKvStore } from './kv.js';
import { sqliteInquiryStore } from './sqlite/inquiries.js';
import { SqlMetricsReads } from './metrics-reads.js';
import { SqliteOrderStore } from './sqlite/orders.js';
import { SqliteRateStore } from './sqlite/rate-hits.js';
import { SqliteSql } from './sqlite/sql.js';
import { SqliteWebhookEventStore } from './sqlite/webhook-events.js';
import { closeOnce, type OpenedDatabase, type PortalStores } from './opened.js';

export type { OpenedDatabase, PortalStores };

/** DATABASE_URL set: PostgreSQL (migrated under an advisory lock); unset: SQLite at DB_PATH. */
export async function openDatabase(config: PortalConfig, logger: Logger): Promise<OpenedDatabase> {
  if (config.databaseUrl) {
    // Loaded only here: a shop on SQLite never loads the PostgreSQL driver.
    const { openPostgres } = await import('./postgres/open.js');
    return openPostgres(config, logger);
  }
  const db = openPortalDb(config.dbPath);
  const sql = new SqliteSql(db);
  const orders = new SqliteOrderStore(db);
  const stores: PortalStores = {
    orders,
    webhookEvents: new SqliteWebhookEventStore(db, orders),
    inquiries: sqliteInquiryStore(sql),
    admin: new SqlAdminReads(sql, SQLITE_ADMIN),
    health: new SqlHealthProbe(sql),
    kv: new SqlKvStore(sql),
    metrics: new SqlMetricsReads(sql),
    rates: new SqliteRateStore(db),
  };
  return { stores, sql, sqlite: db, close: closeOnce(async () => void db.close()) };
}
