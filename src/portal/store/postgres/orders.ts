import type pg from 'pg';
import type { EventType, Order, ReceivedOrderPayload } from '../../../contract/index.js';
import { CHECKOUT_WINDOW_MS, newOrderRef, REF_PATTERN, type NewOrder, type OrderRow, type OrderStore } from '../../orders/store.js';
import { apiOrderChange, eventChange, rowForEvent, type EventOrderInsert, type EventOrderRow } from '../../orders/writer.js';
import { createdParams, ORDERS } from '../queries.js';
import { PgSql, transaction } from './sql.js';

// Another process may be changing the same order: a read that decides a write locks the row.
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
    const changed = await this.sql.run(ORDERS.insertCreating, { ...order, clientKey: order.clientKey ?? null, ref, now: Date.now() });
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

  async openUnpaidBy(clientKey: string): Promise<number> {
    return (await this.sql.get<{ n: number }>(ORDERS.openUnpaidBy, { clientKey, since: Date.now() - CHECKOUT_WINDOW_MS }))!.n;
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

  /**
   * Applies verified events, in order, to their orders inside the webhook store's transaction
   * `tx`. `rows` are the rows they touch, already read and locked (TOUCHED_ORDERS): the writer
   * decides on them in memory, one event after the other, and the final rows are written in one
   * statement. Returns, per event, whether it changed its order's status.
   */
  async applyEvents(tx: PgSql, events: readonly EventToApply[], rows: EventOrderRow[], now: number): Promise<boolean[]> {
    const byRef = new Map<string, EventOrderRow>(rows.map((r) => [r.ref, r]));
    const inserts = new Map<string, EventOrderRow & EventOrderInsert>();
    const updated = new Set<string>();
    const results = events.map(({ eventId, type, order }) => {
      const refRow = order.external_id ? byRef.get(order.external_id) : undefined;
      const row = rowForEvent(refRow, order.id, () => [...byRef.values()].find((r) => r.api_order_id === order.id));
      const change = eventChange(row, eventId, type, order);
      if (change.kind === 'insert') {
        const inserted = { ...change.values, ref: newOrderRef() };
        byRef.set(inserted.ref, inserted);
        inserts.set(inserted.ref, inserted);
        return true;
      }
      if (change.kind === 'none') return false;
      Object.assign(row!, change.values);
      updated.add(change.ref);
      return change.applied;
    });
    const updates = [...updated].filter((ref) => !inserts.has(ref)).map((ref) => byRef.get(ref)!);
    if (inserts.size > 0 || updates.length > 0) {
      await tx.run(WRITE_MANY, { ...columnsOf('i_', [...inserts.values()], INSERT_COLUMNS), ...columnsOf('u_', updates, UPDATE_COLUMNS), now });
    }
    return results;
  }
}

export interface EventToApply {
  eventId: string;
  type: EventType;
  order: ReceivedOrderPayload;
}

/** Column name → PostgreSQL type, for writing many rows as one unnest() of arrays. */
type Columns = ReadonlyArray<readonly [string, string]>;

const UPDATE_COLUMNS: Columns = [
  ['ref', 'text'],
  ['api_order_id', 'bigint'],
  ['status', 'text'],
  ['amount_cents', 'integer'],
  ['currency', 'text'],
  ['panel_url', 'text'],
  ['expires_at', 'text'],
  ['paid_at', 'text'],
  ['error_step', 'text'],
  ['error_message', 'text'],
  ['last_event_ms', 'bigint'],
];
const INSERT_COLUMNS: Columns = [
  ...UPDATE_COLUMNS,
  ['tier', 'text'],
  ['duration_months', 'integer'],
  ['credit_usd', 'integer'],
  ['language', 'text'],
  ['checkout_url', 'text'],
];

const names = (columns: Columns) => columns.map(([name]) => name).join(', ');
const unnest = (prefix: string, columns: Columns) =>
  `unnest(${columns.map(([name, type]) => `@${prefix}${name}::${type}[]`).join(', ')}) AS v(${names(columns)})`;

/**
 * The orders a batch of events touches (by ref or by API id), locked in one order (ref) so two
 * processes writing the same orders queue instead of deadlocking. A CTE: the webhook store runs
 * it in the statement that stores the events, `@refs` and `@ids` being the events' refs and ids.
 */
export const TOUCHED_ORDERS = `SELECT ${names(UPDATE_COLUMNS)} FROM orders
  WHERE ref = ANY(@refs::text[]) OR api_order_id = ANY(@ids::bigint[]) ORDER BY ref FOR UPDATE`;

// New rows and changed rows in one statement (either list may be empty).
const WRITE_MANY = `WITH inserted AS (
    INSERT INTO orders (${names(INSERT_COLUMNS)}, created_at, updated_at) SELECT v.*, @now, @now FROM ${unnest('i_', INSERT_COLUMNS)}
  )
  UPDATE orders SET ${UPDATE_COLUMNS.slice(1)
    .map(([name]) => `${name} = v.${name}`)
    .join(', ')}, updated_at = @now FROM ${unnest('u_', UPDATE_COLUMNS)} WHERE orders.ref = v.ref`;

/** The rows as one array per column (unnest's parameters), named `<prefix><column>`. */
function columnsOf(prefix: string, rows: readonly object[], columns: Columns): Record<string, unknown[]> {
  return Object.fromEntries(columns.map(([name]) => [prefix + name, rows.map((r) => (r as Record<string, unknown>)[name] ?? null)]));
}
