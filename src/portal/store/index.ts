import type { Logger } from '../../lib/logger.js';
import type { AdminReads } from '../admin/queries.js';
import type { PortalConfig } from '../config.js';
import type { RateStore } from '../limits/store.js';
import type { OrderStore } from '../orders/store.js';
import type { MetricsReads } from '../metrics/metrics.js';
import type { InquiryStore } from '../partners/store.js';
import type { WebhookEventStore } from '../webhooks/store.js';
import { SQLITE_ADMIN, SqlAdminReads } from './admin-reads.js';
import { openPortalDb, type Db } from './db.js';
import { SqlHealthProbe, type HealthProbe } from './health.js';
import { SqlKvStore, type KvStore } from './kv.js';
import type { Sql } from './sql.js';
import { sqliteInquiryStore } from './sqlite/inquiries.js';
import { SqlMetricsReads } from './metrics-reads.js';
import { SqliteOrderStore } from './sqlite/orders.js';
import { SqliteRateStore } from './sqlite/rate-hits.js';
import { SqliteSql } from './sqlite/sql.js';
import { SqliteWebhookEventStore } from './sqlite/webhook-events.js';

/**
 * Every store feature code reads and writes through, one instance each, built once in
 * createPortal and handed out as `deps.stores`. The interfaces live with their features; what
 * differs per database lives here, under store/<dialect>/ (see docs/decisions/0005-store-layer.md).
 */
export interface PortalStores {
  orders: OrderStore;
  webhookEvents: WebhookEventStore;
  inquiries: InquiryStore;
  /** The admin console's reads (pages of events, rejected deliveries, orders, inquiries). */
  admin: AdminReads;
  health: HealthProbe;
  /** Small values kept across restarts and shared by processes (settings, the CSRF key). */
  kv: KvStore;
  /** What GET /metrics reads per scrape (orders by status, outbox depth). */
  metrics: MetricsReads;
  /** Per-client limits that hold across processes (buy and renew, admin sign-in, inquiries). */
  rates: RateStore;
}

/** The portal's database, opened and migrated: its stores, and the way to close it. */
export interface OpenedDatabase {
  stores: PortalStores;
  /** One-statement access for tests and benchmarks; feature code uses `stores`. */
  sql: Sql;
  /** The SQLite connection (for the WAL checkpointer), when the database is SQLite. */
  sqlite: Db | undefined;
  close(): Promise<void>;
}

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
  return { stores, sql, sqlite: db, close: once(async () => void db.close()) };
}

/** Closing twice (a test that closed the database under a running portal) is closing once. */
export function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
