import {
  ATTENTION_RULES,
  COUNT_CAP,
  type AdminReads,
  type Attention,
  type Cursor,
  type EventFilter,
  type EventRow,
  type InquiryFilter,
  type InquiryRow,
  type KeysetPage,
  type OrderRow,
  type RejectedBurst,
  type RejectedRow,
  type Total,
} from '../admin/queries.js';
import { CHECKOUT_WINDOW_MS, type OrderRow as StoredOrderRow } from '../orders/store.js';
import { ORDER_COLUMNS, ORDERS } from './queries.js';
import type { Params, Sql } from './sql.js';

const MAX_KEY = Number.MAX_SAFE_INTEGER;
const BATCH = 500;
const total = (n: number): Total => (n > COUNT_CAP ? { count: COUNT_CAP, capped: true } : { count: n, capped: false });

/** Where the admin reads' SQL differs between the databases. */
export interface AdminDialect {
  /** The orders table's insertion-order key (SQLite: rowid; PostgreSQL: an identity column). */
  orderKey: string;
  /** `event_type = @type` written so the planner stays on a search's small id set. */
  typeWithSearch: string;
  /** `column IN` a list given as one parameter, and that parameter's value. */
  inList(column: string, param: string, pgType: string): string;
  listValue(values: readonly unknown[]): unknown;
}

export const SQLITE_ADMIN: AdminDialect = {
  orderKey: 'rowid',
  // `+event_type`: SQLite's way of saying "do not use the (event_type, id) index for this".
  typeWithSearch: '+event_type = @type',
  inList: (column, param) => `${column} IN (SELECT value FROM json_each(@${param}))`,
  listValue: (values) => JSON.stringify(values),
};

export const POSTGRES_ADMIN: AdminDialect = {
  orderKey: 'seq',
  typeWithSearch: 'event_type = @type',
  inList: (column, param, pgType) => `${column} = ANY(@${param}::${pgType}[])`,
  listValue: (values) => values,
};

/**
 * Keyset pagination over an integer key with a fixed WHERE clause: every page is an index range
 * scan of at most `limit + 1` rows plus two one-row probes — no OFFSET, no COUNT(*).
 */
class Keyset<Row extends { key: number }> {
  private readonly desc: string;
  private readonly asc: string;
  private readonly anyNewer: string;
  private readonly anyOlder: string;
  private readonly countText: string;

  constructor(
    private readonly sql: Sql,
    select: string,
    from: string,
    where: string,
    key: string,
  ) {
    const w = where ? `${where} AND` : '';
    this.desc = `SELECT ${key} AS key, ${select} FROM ${from} WHERE ${w} ${key} < @bound ORDER BY ${key} DESC LIMIT @limit`;
    this.asc = `SELECT ${key} AS key, ${select} FROM ${from} WHERE ${w} ${key} > @bound ORDER BY ${key} ASC LIMIT @limit`;
    this.anyNewer = `SELECT 1 AS one FROM ${from} WHERE ${w} ${key} > @bound ORDER BY ${key} ASC LIMIT 1`;
    this.anyOlder = `SELECT 1 AS one FROM ${from} WHERE ${w} ${key} < @bound ORDER BY ${key} DESC LIMIT 1`;
    // Capped: past COUNT_CAP rows the page says "10,000+" rather than reading them all.
    this.countText = `SELECT count(*) AS n FROM (SELECT 1 FROM ${from} ${where ? `WHERE ${where}` : ''} LIMIT ${COUNT_CAP + 1}) AS capped`;
  }

  /** How many rows match, up to COUNT_CAP + 1. */
  async count(params: Params): Promise<number> {
    return (await this.sql.get<{ n: number }>(this.countText, params))!.n;
  }

  async page(params: Params, cursor: Cursor, size: number): Promise<KeysetPage<Row>> {
    let rows: Row[];
    if (cursor.after !== undefined) {
      rows = (await this.sql.all<Row>(this.asc, { ...params, bound: cursor.after, limit: size })).reverse();
    } else {
      rows = await this.sql.all<Row>(this.desc, { ...params, bound: cursor.before ?? MAX_KEY, limit: size });
    }
    const any = async (text: string, bound: number) => (await this.sql.get(text, { ...params, bound })) !== undefined;
    if (rows.length === 0) {
      // Past either end: offer the way back to whichever side has rows.
      const bound = cursor.after ?? cursor.before ?? MAX_KEY;
      return {
        rows,
        newer: cursor.before !== undefined && (await any(this.anyNewer, bound - 1)) ? bound - 1 : null,
        older: cursor.after !== undefined && (await any(this.anyOlder, bound + 1)) ? bound + 1 : null,
      };
    }
    const first = rows[0]!.key;
    const last = rows[rows.length - 1]!.key;
    const [newer, older] = await Promise.all([any(this.anyNewer, first), any(this.anyOlder, last)]);
    return { rows, newer: newer ? first : null, older: older ? last : null };
  }
}

/**
 * Event totals from webhook_event_counts, which triggers on webhook_events keep exact in the same
 * transaction as each insert (migrations: SQLite 7, PostgreSQL 5): a sum over a few rows per type,
 * whatever the table's size, on either database.
 */
const EVENT_TOTAL = {
  all: 'SELECT CAST(coalesce(sum(n), 0) AS BIGINT) AS n FROM webhook_event_counts',
  type: 'SELECT CAST(coalesce(sum(n), 0) AS BIGINT) AS n FROM webhook_event_counts WHERE event_type = @type',
};

const INQUIRY_COLUMNS = 'id, name, email, company, website, type, message, fast_track, created_at, handled_at, handled_by';
const EVENT_COLUMNS = 'id, event_id, event_type, api_order_id, external_id, payload, received_at';
// Search: each alternative is its own index lookup (order id, external id, event id); the rows
// are then fetched by primary key.
const SEARCH = `id IN (SELECT id FROM webhook_events WHERE api_order_id = @qnum
  UNION ALL SELECT id FROM webhook_events WHERE external_id = @q
  UNION ALL SELECT id FROM webhook_events WHERE event_id = @q)`;

/** AdminReads on either database: the same statements, with the dialect's few differences. */
export class SqlAdminReads implements AdminReads {
  private readonly events: Record<'all' | 'type' | 'q' | 'typeQ', Keyset<EventRow>>;
  private readonly rejectedPage: Keyset<RejectedRow>;
  private readonly ordersPage: Keyset<OrderRow>;
  private readonly inquirySets = new Map<string, Keyset<InquiryRow>>();
  private readonly orderBatch: string;
  private readonly inquiryBatch: string;
  private readonly failedDeploys: string;
  private readonly failedSubscriptions: string;
  private readonly bursts: string;
  private readonly fastTrackDue: string;
  private readonly typesSeen: string;
  private readonly orderByRef: string;
  private readonly timeline: string;
  private readonly refsForApiIds: string;
  private readonly refsForRefs: string;

  constructor(
    private readonly sql: Sql,
    private readonly dialect: AdminDialect,
  ) {
    const k = (where: string) => new Keyset<EventRow>(sql, EVENT_COLUMNS, 'webhook_events', where, 'id');
    this.events = { all: k(''), type: k('event_type = @type'), q: k(SEARCH), typeQ: k(`${dialect.typeWithSearch} AND ${SEARCH}`) };
    this.rejectedPage = new Keyset(sql, 'id, reason, event_id, event_type, body_excerpt, received_at', 'rejected_deliveries', '', 'id');
    this.ordersPage = new Keyset(sql, ORDER_COLUMNS, 'orders', '', dialect.orderKey);
    for (const handled of ['open', 'handled', 'all'] as const) {
      for (const fastTrackOnly of [false, true]) {
        const where = [handled === 'open' ? 'handled_at IS NULL' : handled === 'handled' ? 'handled_at IS NOT NULL' : '', fastTrackOnly ? 'fast_track = 1' : '']
          .filter(Boolean)
          .join(' AND ');
        this.inquirySets.set(`${handled}/${fastTrackOnly}`, new Keyset(sql, INQUIRY_COLUMNS, 'inquiries', where, 'id'));
      }
    }
    this.orderBatch = `SELECT ${dialect.orderKey} AS key, ${ORDER_COLUMNS} FROM orders WHERE ${dialect.orderKey} > @bound ORDER BY ${dialect.orderKey} LIMIT @limit`;
    this.inquiryBatch = `SELECT id AS key, ${INQUIRY_COLUMNS} FROM inquiries WHERE id > @bound ORDER BY id LIMIT @limit`;
    const rules = ATTENTION_RULES;
    this.failedDeploys = `SELECT ${dialect.orderKey} AS key, ${ORDER_COLUMNS} FROM orders
      WHERE status = 'failed' AND updated_at >= @since ORDER BY updated_at DESC LIMIT ${rules.listLimit}`;
    // Served by the partial index orders_subscription_failed (updated_at) WHERE subscription_status = 'payment_failed'.
    this.failedSubscriptions = `SELECT ${ORDER_COLUMNS} FROM orders
      WHERE subscription_status = 'payment_failed' AND updated_at >= @since ORDER BY updated_at DESC LIMIT ${rules.listLimit}`;
    // Constants inlined: SQLite binds JavaScript numbers as REAL, and REAL division would not bucket.
    this.bursts = `SELECT reason, count(*) AS count, min(received_at) AS first, max(received_at) AS last
      FROM rejected_deliveries WHERE received_at >= @since
      GROUP BY reason, received_at / ${rules.burstBucketMs} HAVING count(*) >= ${rules.burstMin}
      ORDER BY last DESC LIMIT ${rules.listLimit}`;
    // Served by the partial index inquiries_open (fast_track, id) WHERE handled_at IS NULL.
    this.fastTrackDue = `SELECT id AS key, ${INQUIRY_COLUMNS} FROM inquiries
      WHERE fast_track = 1 AND handled_at IS NULL AND created_at <= @before ORDER BY id LIMIT ${rules.listLimit}`;
    // The distinct types without reading every row: a skip-scan over the (event_type, id) index,
    // one seek per type. Bounded, in case a sender invents very many.
    this.typesSeen = `
      WITH RECURSIVE seen(type) AS (
        SELECT min(event_type) FROM webhook_events
        UNION ALL
        SELECT (SELECT min(event_type) FROM webhook_events WHERE event_type > seen.type) FROM seen WHERE seen.type IS NOT NULL
      )
      SELECT type FROM seen WHERE type IS NOT NULL LIMIT 200`;
    this.orderByRef = `SELECT ${dialect.orderKey} AS key, ${ORDER_COLUMNS} FROM orders WHERE ref = @ref`;
    this.timeline = `SELECT id AS key, ${EVENT_COLUMNS} FROM webhook_events
      WHERE id IN (SELECT id FROM webhook_events WHERE external_id = @ref
                   UNION ALL SELECT id FROM webhook_events WHERE api_order_id = @api)
      ORDER BY id ASC LIMIT 500`;
    this.refsForApiIds = `SELECT ref, api_order_id FROM orders WHERE ${dialect.inList('api_order_id', 'ids', 'bigint')}`;
    this.refsForRefs = `SELECT ref FROM orders WHERE ${dialect.inList('ref', 'refs', 'text')}`;
  }

  async eventsPage(filter: EventFilter, cursor: Cursor, size: number): Promise<KeysetPage<EventRow>> {
    const q = filter.q;
    const params: Params = {};
    if (filter.type) params['type'] = filter.type;
    if (q) {
      params['q'] = q;
      params['qnum'] = /^\d{1,15}$/.test(q) ? Number(q) : null;
    }
    const set = filter.type ? (q ? this.events.typeQ : this.events.type) : q ? this.events.q : this.events.all;
    return set.page(params, cursor, size);
  }

  async eventTotal(filter: EventFilter): Promise<Total> {
    if (!filter.q) {
      const row = filter.type ? await this.sql.get<{ n: number }>(EVENT_TOTAL.type, { type: filter.type }) : await this.sql.get<{ n: number }>(EVENT_TOTAL.all);
      return { count: row!.n, capped: false };
    }
    const params: Params = { q: filter.q, qnum: /^\d{1,15}$/.test(filter.q) ? Number(filter.q) : null };
    if (filter.type) params['type'] = filter.type;
    return total(await (filter.type ? this.events.typeQ : this.events.q).count(params));
  }

  async eventTypes(): Promise<string[]> {
    return (await this.sql.all<{ type: string }>(this.typesSeen)).map((r) => r.type);
  }

  async orderLinks(rows: readonly EventRow[]): Promise<{ byApiId: Map<number, string>; refs: Set<string> }> {
    const apiIds = [...new Set(rows.map((r) => r.api_order_id).filter((v): v is number => v !== null))];
    const externals = [...new Set(rows.map((r) => r.external_id).filter((v): v is string => v !== null))];
    const [byApi, byRef] = await Promise.all([
      apiIds.length ? this.sql.all<{ ref: string; api_order_id: number }>(this.refsForApiIds, { ids: this.dialect.listValue(apiIds) }) : [],
      externals.length ? this.sql.all<{ ref: string }>(this.refsForRefs, { refs: this.dialect.listValue(externals) }) : [],
    ]);
    return { byApiId: new Map(byApi.map((r) => [r.api_order_id, r.ref])), refs: new Set(byRef.map((r) => r.ref)) };
  }

  rejected(cursor: Cursor, size: number): Promise<KeysetPage<RejectedRow>> {
    return this.rejectedPage.page({}, cursor, size);
  }

  async unpaidOpen(): Promise<number> {
    return (await this.sql.get<{ n: number }>(ORDERS.unpaidOpen, { since: Date.now() - CHECKOUT_WINDOW_MS }))!.n;
  }

  orders(cursor: Cursor, size: number): Promise<KeysetPage<OrderRow>> {
    return this.ordersPage.page({}, cursor, size);
  }

  async order(ref: string): Promise<{ order: OrderRow; events: EventRow[] } | undefined> {
    const order = await this.sql.get<OrderRow>(this.orderByRef, { ref });
    if (!order) return undefined;
    return { order, events: await this.sql.all<EventRow>(this.timeline, { ref, api: order.api_order_id }) };
  }

  async inquiries(filter: InquiryFilter, cursor: Cursor, size: number): Promise<KeysetPage<InquiryRow> & { total: Total }> {
    const set = this.inquirySets.get(`${filter.handled}/${filter.fastTrackOnly}`)!;
    const [page, n] = await Promise.all([set.page({}, cursor, size), set.count({})]);
    return { ...page, total: total(n) };
  }

  async ordersTotal(): Promise<Total> {
    return { count: (await this.sql.get<{ n: number }>('SELECT count(*) AS n FROM orders'))!.n, capped: false };
  }

  allOrders(): AsyncIterable<OrderRow> {
    return this.batches<OrderRow>(this.orderBatch);
  }

  allInquiries(): AsyncIterable<InquiryRow> {
    return this.batches<InquiryRow>(this.inquiryBatch);
  }

  async attention(now: number): Promise<Attention> {
    const [failedDeploys, failedSubscriptions, rejectedBursts, fastTrackDue] = await Promise.all([
      this.sql.all<OrderRow>(this.failedDeploys, { since: now - ATTENTION_RULES.failedDeployWindowMs }),
      this.sql.all<StoredOrderRow>(this.failedSubscriptions, { since: now - ATTENTION_RULES.failedSubscriptionWindowMs }),
      this.sql.all<RejectedBurst>(this.bursts, { since: now - ATTENTION_RULES.burstLookbackMs }),
      this.sql.all<InquiryRow>(this.fastTrackDue, { before: now - (ATTENTION_RULES.fastTrackPromiseMs - ATTENTION_RULES.fastTrackWarnMs) }),
    ]);
    return { failedDeploys, failedSubscriptions, rejectedBursts, fastTrackDue };
  }

  /** A table read in key order, BATCH rows per statement, so no cursor stays open across awaits. */
  private async *batches<Row extends { key: number }>(text: string): AsyncGenerator<Row> {
    let bound = 0;
    for (;;) {
      const rows = await this.sql.all<Row>(text, { bound, limit: BATCH });
      yield* rows;
      if (rows.length < BATCH) return;
      bound = rows[rows.length - 1]!.key;
    }
  }
}
