import type { AdminReads } from '../admin/queries.js';
import type { RateStore } from '../limits/store.js';
import type { OrderStore } from '../orders/store.js';
import type { MetricsReads } from '../metrics/metrics.js';
import type { InquiryStore } from '../partners/store.js';
import type { WebhookEventStore } from '../webhooks/store.js';
import type { Db } from './db.js';
import type { HealthProbe } from './health.js';
import { SqliteHealthProbe } from './sqlite/health.js';
import { SqliteAdminReads } from './sqlite/admin-reads.js';
import { SqliteInquiryStore } from './sqlite/inquiries.js';
import { SqliteMetricsReads } from './sqlite/metrics-reads.js';
import { SqliteOrderStore } from './sqlite/orders.js';
import { SqliteRateStore } from './sqlite/rate-hits.js';
import { SqliteWebhookEventStore } from './sqlite/webhook-events.js';

/**
 * Every store feature code writes through, one instance each, built once in createPortal and
 * handed out as `deps.stores`. The interfaces live with their features; the implementations for
 * each database live here, under store/<dialect>/ (see docs/decisions/0005-store-layer.md).
 */
export interface PortalStores {
  orders: OrderStore;
  webhookEvents: WebhookEventStore;
  inquiries: InquiryStore;
  /** The admin console's reads (pages of events, rejected deliveries, orders, inquiries). */
  admin: AdminReads;
  health: HealthProbe;
  /** What GET /metrics reads per scrape (orders by status, outbox depth). */
  metrics: MetricsReads;
  /** Per-client limits that hold across processes (buy and renew, admin sign-in). */
  rates: RateStore;
}

/** The stores on one SQLite connection. */
export function sqliteStores(db: Db): PortalStores {
  const orders = new SqliteOrderStore(db);
  return {
    orders,
    webhookEvents: new SqliteWebhookEventStore(db, orders),
    inquiries: new SqliteInquiryStore(db),
    admin: new SqliteAdminReads(db),
    health: new SqliteHealthProbe(db),
    metrics: new SqliteMetricsReads(db),
    rates: new SqliteRateStore(db),
  };
}
