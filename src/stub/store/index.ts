import { openDatabase, type Db } from '../../lib/sqlite.js';
import { ApiKeyStore } from './api-key.js';
import { DeliveryStore } from './deliveries.js';
import { DnsStore } from './dns.js';
import { FaultStore } from './faults.js';
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
  faults: FaultStore;
  apiKey: ApiKeyStore;
  meta: MetaStore;
  subscriptions: SubscriptionStore;
  /** Runs `fn` in one synchronous transaction: never pass it anything that awaits. */
  transaction<T>(fn: () => T): T;
  /** Forgets every order, subscription, delivery, ledger event, idempotency key, DNS record and armed fault. */
  clearData(): void;
}

export function openStubStore(path: string): StubStore {
  const db = openDatabase(path, STUB_MIGRATIONS);
  const store: Omit<StubStore, 'clearData'> = {
    db,
    orders: new OrderStore(db),
    revenue: new RevenueStore(db),
    deliveries: new DeliveryStore(db),
    idempotency: new IdempotencyStore(db),
    dns: new DnsStore(db),
    faults: new FaultStore(db),
    apiKey: new ApiKeyStore(db),
    meta: new MetaStore(db),
    subscriptions: new SubscriptionStore(db),
    transaction: (fn) => db.transaction(fn)(),
  };
  return {
    ...store,
    clearData: () =>
      store.transaction(() => {
        // Tables that reference each other are emptied together; their keys are checked at commit.
        db.pragma('defer_foreign_keys = ON');
        store.deliveries.clear();
        store.revenue.clear();
        store.subscriptions.clear();
        store.orders.clear();
        store.idempotency.clear();
        store.dns.clear();
        store.faults.clear();
      }),
  };
}
