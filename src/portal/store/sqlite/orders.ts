import { formatApiTime, type EventType, type Order, type ReceivedOrderPayload, type Subscription, type SubscriptionStatus } from '../../../contract/index.js';
import { CHECKOUT_WINDOW_MS, newOrderRef, REF_PATTERN, type NewOrder, type OrderRow, type OrderStore } from '../../orders/store.js';
import { nextSubscriptionStatus } from '../../orders/subscription.js';
import { apiOrderChange, eventChange, rowForEvent, type EventOrderRow } from '../../orders/writer.js';
import type { Db } from '../db.js';
import { createdParams, creatingParams, ORDERS, subscriptionCreatedParams, writeParams } from '../queries.js';

type SubscriptionRow = { ref: string; api_order_id: number | null; subscription_status: SubscriptionStatus | null };

/**
 * OrderStore on SQLite: the only code that writes the `orders` table. Statements are prepared
 * once; better-sqlite3 is synchronous, so each method does its work at once and returns a settled
 * Promise. `applyEvent` is for the webhook store, inside its transaction.
 */
export class SqliteOrderStore implements OrderStore {
  private readonly q;
  private readonly applyApiTx;
  private readonly applySubscriptionTx;

  constructor(db: Db) {
    this.q = Object.fromEntries(Object.entries(ORDERS).map(([name, text]) => [name, db.prepare(text)])) as Record<keyof typeof ORDERS, ReturnType<Db['prepare']>>;
    this.applyApiTx = db.transaction((ref: string, order: Order): boolean => {
      const row = this.q.byRef.get({ ref }) as OrderRow | undefined;
      if (!row) return false;
      const change = apiOrderChange(row, order);
      const subscription = nextSubscriptionStatus(row.subscription_status, order.subscription_status);
      if (change) this.q.applyApiOrder.run({ ref, ...change, now: Date.now() });
      if (subscription !== row.subscription_status) this.q.subscriptionStatus.run({ ref, status: subscription, now: Date.now() });
      return change !== undefined || subscription !== row.subscription_status;
    });
    this.applySubscriptionTx = db.transaction((ref: string, reported: SubscriptionStatus | undefined, now: number): void => {
      const row = this.q.byRef.get({ ref }) as OrderRow | undefined;
      if (!row) return;
      const next = nextSubscriptionStatus(row.subscription_status, reported);
      if (next !== row.subscription_status) this.q.subscriptionStatus.run({ ref, status: next, now });
    });
  }

  async byRef(ref: string): Promise<OrderRow | undefined> {
    return REF_PATTERN.test(ref) ? (this.q.byRef.get({ ref }) as OrderRow | undefined) : undefined;
  }

  async byIdempotencyKey(key: string): Promise<OrderRow | undefined> {
    return this.q.byIdempotencyKey.get({ key }) as OrderRow | undefined;
  }

  async insertCreating(order: NewOrder): Promise<OrderRow | undefined> {
    const ref = newOrderRef();
    const info = this.q.insertCreating.run(creatingParams(ref, order));
    return info.changes === 1 ? (this.q.byRef.get({ ref }) as OrderRow) : undefined;
  }

  async retryCreating(ref: string): Promise<void> {
    this.q.retryCreating.run({ ref, now: Date.now() });
  }

  async markCreated(ref: string, order: Order): Promise<void> {
    this.q.markCreated.run(createdParams(ref, order));
  }

  async markCreateFailed(ref: string, message: string): Promise<void> {
    this.q.markCreateFailed.run({ ref, message, now: Date.now() });
  }

  async markSubscriptionCreated(ref: string, subscription: Subscription): Promise<void> {
    const now = Date.now();
    this.q.markSubscriptionCreated.run(subscriptionCreatedParams(ref, subscription, now));
    this.applySubscriptionTx(ref, subscription.status, now);
  }

  async applySubscription(ref: string, subscription: Subscription): Promise<void> {
    this.applySubscriptionTx(ref, subscription.status, Date.now());
  }

  async openUnpaidBy(clientKey: string): Promise<number> {
    return (this.q.openUnpaidBy.get({ clientKey, since: Date.now() - CHECKOUT_WINDOW_MS }) as { n: number }).n;
  }

  async pollable(limit: number): Promise<OrderRow[]> {
    return this.q.pollable.all({ limit, nowApi: formatApiTime(Date.now()) }) as OrderRow[];
  }

  async applyApiOrder(ref: string, order: Order): Promise<boolean> {
    return this.applyApiTx(ref, order);
  }

  /**
   * Applies a verified event to its order (see eventChange). Synchronous and without a transaction
   * of its own: the webhook store calls it inside the one that stores the event, so the event and
   * its effect commit together. Returns whether the event changed the order's status.
   */
  applyEvent(eventId: string, type: EventType, order: ReceivedOrderPayload, now: number): boolean {
    const byRef = order.external_id ? (this.q.eventRowByRef.get({ ref: order.external_id }) as EventOrderRow | undefined) : undefined;
    const row = rowForEvent(byRef, order.id, () => this.q.eventRowByApiId.get({ id: order.id }) as EventOrderRow | undefined);
    // A subscription's orders (its first one, each monthly renewal) report its state; its first
    // order's row holds it. A renewal mintbot made on its own gets a row that says what it renews.
    const subscription = order.subscription_id === undefined ? undefined : (this.q.subscriptionRow.get({ id: order.subscription_id }) as SubscriptionRow | undefined);
    if (subscription) this.applySubscriptionTx(subscription.ref, order.subscription_status, now);
    const change = eventChange(row, eventId, type, order);
    const params = writeParams(change, now, subscription?.ref ?? null);
    if (params) (change.kind === 'insert' ? this.q.insertFromEvent : this.q.updateFromEvent).run(params);
    return change.kind !== 'none' && (change.kind === 'insert' || change.applied);
  }
}
