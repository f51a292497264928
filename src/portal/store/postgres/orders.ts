import type pg from 'pg';
import { formatApiTime, type EventType, type Order, type ReceivedOrderPayload, type Subscription, type SubscriptionStatus } from '../../../contract/index.js';
import { CHECKOUT_WINDOW_MS, newOrderRef, REF_PATTERN, type NewOrder, type OrderRow, type OrderStore } from '../../orders/store.js';
import { nextSubscriptionStatus } from '../../orders/subscription.js';
import { apiOrderChange, eventChange, rowForEvent, type EventOrderInsert, type EventOrderRow } from '../../orders/writer.js';
import { createdParams, creatingParams, ORDERS, subscriptionCreatedParams } from '../queries.js';
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
    const changed = await this.sql.run(ORDERS.insertCreating, creatingParams(ref, order));
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

  async markSubscriptionCreated(ref: string, subscription: Subscription): Promise<void> {
    const now = Date.now();
    await transaction(this.pool, async (tx) => {
      await tx.run(ORDERS.markSubscriptionCreated, subscriptionCreatedParams(ref, subscription, now));
      await applySubscriptionIn(tx, ref, subscription.status, now);
    });
  }

  async applySubscription(ref: string, subscription: Subscription): Promise<void> {
    await transaction(this.pool, (tx) => applySubscriptionIn(tx, ref, subscription.status, Date.now()));
  }

  async openUnpaidBy(clientKey: string): Promise<number> {
    return (await this.sql.get<{ n: number }>(ORDERS.openUnpaidBy, { clientKey, since: Date.now() - CHECKOUT_WINDOW_MS }))!.n;
  }

  pollable(limit: number): Promise<OrderRow[]> {
    return this.sql.all<OrderRow>(ORDERS.pollable, { limit, nowApi: formatApiTime(Date.now()) });
  }

  applyApiOrder(ref: string, order: Order): Promise<boolean> {
    return transaction(this.pool, async (tx) => {
      const row = await tx.get<OrderRow>(BY_REF_FOR_UPDATE, { ref });
      if (!row) return false;
      const change = apiOrderChange(row, order);
      const subscription = nextSubscriptionStatus(row.subscription_status, order.subscription_status);
      if (change) await tx.run(ORDERS.applyApiOrder, { ref, ...change, now: Date.now() });
      if (subscription !== row.subscription_status) await tx.run(ORDERS.subscriptionStatus, { ref, status: subscription, now: Date.now() });
      return change !== undefined || subscription !== row.subscription_status;
    });
  }

  /**
   * Applies verified events, in order, to their orders inside the webhook store's transaction
   * `tx`. `rows` are the rows they touch, already read and locked (TOUCHED_ORDERS): the writer
   * decides on them in memory, one event after the other, and the final rows are written in one
   * statement. Returns, per event, whether it changed its order's status.
   */
  async applyEvents(tx: PgSql, events: readonly EventToApply[], rows: TouchedRow[], now: number): Promise<boolean[]> {
    const byRef = new Map<string, TouchedRow>(rows.map((r) => [r.ref, r]));
    const inserts = new Map<string, TouchedRow & EventOrderInsert & { renews_ref: string | null }>();
    const updated = new Set<string>();
    const results = events.map(({ eventId, type, order }) => {
      const refRow = order.external_id ? byRef.get(order.external_id) : undefined;
      const row = rowForEvent(refRow, order.id, () => [...byRef.values()].find((r) => r.api_order_id === order.id));
      // A subscription's orders report its state; its first order's row holds it (as on SQLite).
      const subscription = order.subscription_id === undefined ? undefined : [...byRef.values()].find((r) => r.api_subscription_id === order.subscription_id);
      if (subscription) {
        const next = nextSubscriptionStatus(subscription.subscription_status, order.subscription_status);
        if (next !== subscription.subscription_status) {
          subscription.subscription_status = next;
          updated.add(subscription.ref);
        }
      }
      const change = eventChange(row, eventId, type, order);
      if (change.kind === 'insert') {
        // A renewal mintbot made on its own gets a row that says what it renews.
        const inserted = { ...change.values, ref: newOrderRef(), renews_ref: subscription?.ref ?? null, api_subscription_id: null, subscription_status: null };
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

/** A row TOUCHED_ORDERS reads: what the writer decides on, and the subscription it may hold. */
export type TouchedRow = EventOrderRow & { api_subscription_id: number | null; subscription_status: SubscriptionStatus | null };

/** Within `tx`: the subscription state moves forward only (see nextSubscriptionStatus). */
async function applySubscriptionIn(tx: PgSql, ref: string, reported: SubscriptionStatus | undefined, now: number): Promise<void> {
  const row = await tx.get<OrderRow>(BY_REF_FOR_UPDATE, { ref });
  if (!row) return;
  const next = nextSubscriptionStatus(row.subscription_status, reported);
  if (next !== row.subscription_status) await tx.run(ORDERS.subscriptionStatus, { ref, status: next, now });
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
  ['subscription_status', 'text'],
];
const INSERT_COLUMNS: Columns = [
  ...UPDATE_COLUMNS,
  ['renews_ref', 'text'],
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
export const TOUCHED_ORDERS = `SELECT ${names(UPDATE_COLUMNS)}, api_subscription_id FROM orders
  WHERE ref = ANY(@refs::text[]) OR api_order_id = ANY(@ids::bigint[]) OR api_subscription_id = ANY(@subs::bigint[])
  ORDER BY ref FOR UPDATE`;

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
