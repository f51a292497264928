import type { AdminReads } from '../admin/queries.js';
import type { RateStore } from '../limits/store.js';
import type { MetricsReads } from '../metrics/metrics.js';
import type { OrderStore } from '../orders/store.js';
import type { InquiryStore } from '../partners/store.js';
import type { WebhookEventStore } from '../webhooks/store.js';
import type { Db } from './db.js';
import type { HealthProbe } from './health.js';
import type { KvStore } from './kv.js';
import type { Sql } from './sql.js';

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

/** Closing twice (a test that closed the database under a running portal) is closing once. */
export function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
