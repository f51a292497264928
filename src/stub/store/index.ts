import { openDatabase, type Db } from '../../lib/sqlite.js';
import { DeliveryStore } from './deliveries.js';
import { DnsStore } from './dns.js';
import { IdempotencyStore } from './idempotency.js';
import { MetaStore } from './meta.js';
import { STUB_MIGRATIONS } from './migrations.js';
import { OrderStore } from './orders.js';
import { RevenueStore } from './revenue.js';
import { SubscriptionStore } from './subscriptions.js';

export interface StubStore {
  db: Db;
  orders: OrderStore;
  revenue: RevenueStore;
  deliveries: DeliveryStore;
  idempotency: IdempotencyStore;
  dns: DnsStore;
  meta: MetaStore;
  subscriptions: SubscriptionStore;
  /** Runs `fn` in one synchronous transaction: never pass it anything that awaits. */
  transaction<T>(fn: () => T): T;
}

export function openStubStore(path: string): StubStore {
  const db = openDatabase(path, STUB_MIGRATIONS);
  return {
    db,
    orders: new OrderStore(db),
    revenue: new RevenueStore(db),
    deliveries: new DeliveryStore(db),
    idempotency: new IdempotencyStore(db),
    dns: new DnsStore(db),
    meta: new MetaStore(db),
    subscriptions: new SubscriptionStore(db),
    transaction: (fn) => db.transaction(fn)(),
  };
}
