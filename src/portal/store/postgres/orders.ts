import type pg from 'pg';
import type { EventType, Order, ReceivedOrderPayload } from '../../../contract/index.js';
import { newOrderRef, REF_PATTERN, type NewOrder, type OrderRow, type OrderStore } from '../../orders/store.js';
import { apiOrderChange, eventChange, rowForEvent, type EventOrderRow } from '../../orders/writer.js';
import { createdParams, ORDERS, writeParams } from '../queries.js';
import { PgSql, transaction } from './sql.js';

// Another process may be changing the same order: a read that decides a write locks the row.
const EVENT_ROW_BY_REF = `${ORDERS.eventRowByRef} FOR UPDATE`;
const EVENT_ROW_BY_API_ID = `${ORDERS.eventRowByApiId} FOR UPDATE`;
const BY_REF_FOR_UPDATE = `${ORDERS.byRef} FOR UPDATE`;

/**
 * OrderStore on PostgreSQL: the same statements and the same writer decisions as on SQLite; a
 * decision's read locks the row (FOR UPDATE), so two processes never apply on a stale row.
 */
export class PgOrderStore implements OrderStore {
  private readonly sql: PgSql;

  constructor(private readonly pool: pg.Pool) {
    this.sql = new PgSql(pool);
  }

  async byRef(ref: string): Promise<OrderRow | undefined> {
    return REF_PATTERN.test(ref) ? this.sql.get<OrderRow>(ORDERS.byRef, { ref }) : undefined;
  }

  byIdempotencyKey(key: string): Promise<OrderRow | undefined> {
    return this.sql.get<OrderRow>(ORDERS.byIdempotencyKey, { key });
  }

  async insertCreating(order: NewOrder): Promise<OrderRow | undefined> {
    const ref = newOrderRef();
    const changed = await this.sql.run(ORDERS.insertCreating, { ...order, ref, now: Date.now() });
    return changed === 1 ? this.sql.get<OrderRow>(ORDERS.byRef, { ref }) : undefined;
  }

  async retryCreating(ref: string): Promise<void> {
    await this.sql.run(ORDERS.retryCreating, { ref, now: Date.now() });
  }

  async markCreated(ref: string, order: Order): Promise<void> {
    await this.sql.run(ORDERS.markCreated, createdParams(ref, order));
  }

  async markCreateFailed(ref: string, message: string): Promise<void> {
    await this.sql.run(ORDERS.markCreateFailed, { ref, message, now: Date.now() });
  }

  pollable(limit: number): Promise<OrderRow[]> {
    return this.sql.all<OrderRow>(ORDERS.pollable, { limit });
  }

  applyApiOrder(ref: string, order: Order): Promise<boolean> {
    return transaction(this.pool, async (tx) => {
      const row = await tx.get<OrderRow>(BY_REF_FOR_UPDATE, { ref });
      const change = row && apiOrderChange(row, order);
      if (!change) return false;
      await tx.run(ORDERS.applyApiOrder, { ref, ...change, now: Date.now() });
      return true;
    });
  }

  /** Applies a verified event to its order inside the webhook store's transaction `tx`. */
  async applyEvent(tx: PgSql, eventId: string, type: EventType, order: ReceivedOrderPayload, now: number): Promise<boolean> {
    const byRef = order.external_id ? await tx.get<EventOrderRow>(EVENT_ROW_BY_REF, { ref: order.external_id }) : undefined;
    // rowForEvent asks for the API id's row only when the ref's row is not already it.
    const owner = byRef?.api_order_id === order.id ? undefined : await tx.get<EventOrderRow>(EVENT_ROW_BY_API_ID, { id: order.id });
    const row = rowForEvent(byRef, order.id, () => owner);
    const change = eventChange(row, eventId, type, order);
    const params = writeParams(change, now);
    if (params) await tx.run(change.kind === 'insert' ? ORDERS.insertFromEvent : ORDERS.updateFromEvent, params);
    return change.kind === 'insert' || (change.kind === 'update' && change.applied);
  }
}
