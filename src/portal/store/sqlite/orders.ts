import type { EventType, Order, ReceivedOrderPayload } from '../../../contract/index.js';
import { CHECKOUT_WINDOW_MS, newOrderRef, REF_PATTERN, type NewOrder, type OrderRow, type OrderStore } from '../../orders/store.js';
import { apiOrderChange, eventChange, rowForEvent, type EventOrderRow } from '../../orders/writer.js';
import type { Db } from '../db.js';
import { createdParams, ORDERS, writeParams } from '../queries.js';

/**
 * OrderStore on SQLite: the only code that writes the `orders` table. Statements are prepared
 * once; better-sqlite3 is synchronous, so each method does its work at once and returns a settled
 * Promise. `applyEvent` is for the webhook store, inside its transaction.
 */
export class SqliteOrderStore implements OrderStore {
  private readonly q;
  private readonly applyApiTx;

  constructor(db: Db) {
    this.q = Object.fromEntries(Object.entries(ORDERS).map(([name, text]) => [name, db.prepare(text)])) as Record<keyof typeof ORDERS, ReturnType<Db['prepare']>>;
    this.applyApiTx = db.transaction((ref: string, order: Order): boolean => {
      const row = this.q.byRef.get({ ref }) as OrderRow | undefined;
      const change = row && apiOrderChange(row, order);
      if (!change) return false;
      this.q.applyApiOrder.run({ ref, ...change, now: Date.now() });
      return true;
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
    const info = this.q.insertCreating.run({ ...order, clientKey: order.clientKey ?? null, ref, now: Date.now() });
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

  async openUnpaidBy(clientKey: string): Promise<number> {
    return (this.q.openUnpaidBy.get({ clientKey, since: Date.now() - CHECKOUT_WINDOW_MS }) as { n: number }).n;
  }

  async pollable(limit: number): Promise<OrderRow[]> {
    return this.q.pollable.all({ limit }) as OrderRow[];
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
    const change = eventChange(row, eventId, type, order);
    const params = writeParams(change, now);
    if (params) (change.kind === 'insert' ? this.q.insertFromEvent : this.q.updateFromEvent).run(params);
    return change.kind !== 'none' && (change.kind === 'insert' || change.applied);
  }
}
