import type { Statement } from 'better-sqlite3';
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
} from '../../admin/queries.js';
import { CHECKOUT_WINDOW_MS, UNPAID_OPEN_STATUSES, type OrderRow as StoredOrderRow } from '../../orders/store.js';
import type { Db } from '../db.js';

const MAX_KEY = Number.MAX_SAFE_INTEGER;
const COUNTS_KEY = 'admin_event_counts';
const total = (n: number): Total => (n > COUNT_CAP ? { count: COUNT_CAP, capped: true } : { count: n, capped: false });

/**
 * Keyset pagination over an integer key with a fixed WHERE clause: every page is an index range
 * scan of at most `limit + 1` rows plus two one-row probes — no OFFSET, no COUNT(*).
 */
class Keyset<Row extends { key: number }, P extends Record<string, unknown>> {
  private readonly desc: Statement<[P & { bound: number; limit: number }], Row>;
  private readonly asc: Statement<[P & { bound: number; limit: number }], Row>;
  private readonly anyNewer: Statement<[P & { bound: number }], { one: number }>;
  private readonly anyOlder: Statement<[P & { bound: number }], { one: number }>;
  private readonly countStmt: Statement<[P], { n: number }>;

  constructor(db: Db, select: string, from: string, where: string, key: string) {
    const w = where ? `${where} AND` : '';
    // Capped: past COUNT_CAP rows the page says "10,000+" rather than reading them all.
    this.countStmt = db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM ${from} ${where ? `WHERE ${where}` : ''} LIMIT ${COUNT_CAP + 1})`);
    this.desc = db.prepare(`SELECT ${key} AS key, ${select} FROM ${from} WHERE ${w} ${key} < @bound ORDER BY ${key} DESC LIMIT @limit`);
    this.asc = db.prepare(`SELECT ${key} AS key, ${select} FROM ${from} WHERE ${w} ${key} > @bound ORDER BY ${key} ASC LIMIT @limit`);
    this.anyNewer = db.prepare(`SELECT 1 AS one FROM ${from} WHERE ${w} ${key} > @bound ORDER BY ${key} ASC LIMIT 1`);
    this.anyOlder = db.prepare(`SELECT 1 AS one FROM ${from} WHERE ${w} ${key} < @bound ORDER BY ${key} DESC LIMIT 1`);
  }

  /** How many rows match, up to COUNT_CAP + 1. */
  count(params: P): number {
    return this.countStmt.get(params)!.n;
  }

  page(params: P, cursor: Cursor, size: number): KeysetPage<Row> {
    let rows: Row[];
    if (cursor.after !== undefined) {
      rows = this.asc.all({ ...params, bound: cursor.after, limit: size }).reverse();
    } else {
      rows = this.desc.all({ ...params, bound: cursor.before ?? MAX_KEY, limit: size });
    }
    if (rows.length === 0) {
      // Past either end: offer the way back to whichever side has rows.
      const bound = cursor.after ?? cursor.before ?? MAX_KEY;
      return {
        rows,
        newer: cursor.before !== undefined && this.anyNewer.get({ ...params, bound: bound - 1 }) ? bound - 1 : null,
        older: cursor.after !== undefined && this.anyOlder.get({ ...params, bound: bound + 1 }) ? bound + 1 : null,
      };
    }
    const first = rows[0]!.key;
    const last = rows[rows.length - 1]!.key;
    return {
      rows,
      newer: this.anyNewer.get({ ...params, bound: first }) ? first : null,
      older: this.anyOlder.get({ ...params, bound: last }) ? last : null,
    };
  }
}

/**
 * Exact event counts without a COUNT(*) over the whole table per page view: webhook_events is
 * append-only (nothing deletes events), so a count taken once stays right for the ids it covered
 * and afterwards only rows with a larger id are counted. SQLite hands out ids in commit order.
 * The counts are kept in `kv`, so only the first view on a database pays for a full count (about
 * 250 ms for 1,000,000 events here), not the first view after each restart.
 * (A PostgreSQL version must not rely on commit order: sequence values can commit out of order.)
 */
class GrowingCount {
  private known = new Map<string, { n: number; top: number }>();
  private readonly all: Statement<[{ bound: number }], { n: number; top: number | null }>;
  private readonly byType: Statement<[{ bound: number; type: string }], { n: number; top: number | null }>;
  private readonly save: Statement<[string, number]>;

  constructor(db: Db) {
    this.all = db.prepare('SELECT count(*) AS n, max(id) AS top FROM webhook_events WHERE id > @bound');
    this.byType = db.prepare('SELECT count(*) AS n, max(id) AS top FROM webhook_events WHERE event_type = @type AND id > @bound');
    this.save = db.prepare(`INSERT INTO kv (key, value, updated_at) VALUES ('${COUNTS_KEY}', ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
    const saved = db.prepare<[], { value: string }>(`SELECT value FROM kv WHERE key = '${COUNTS_KEY}'`).get();
    try {
      if (saved) this.known = new Map(Object.entries(JSON.parse(saved.value) as Record<string, { n: number; top: number }>));
    } catch {
      // Unreadable: counted again from scratch.
    }
  }

  count(type: string | undefined): number {
    const key = type ?? '';
    const seen = this.known.get(key) ?? { n: 0, top: 0 };
    const more = type === undefined ? this.all.get({ bound: seen.top })! : this.byType.get({ bound: seen.top, type })!;
    if (more.n === 0) return seen.n;
    const next = { n: seen.n + more.n, top: more.top ?? seen.top };
    // Bounded like the type list: a sender inventing types cannot grow this without limit.
    if (this.known.has(key) || this.known.size < 256) {
      this.known.set(key, next);
      this.save.run(JSON.stringify(Object.fromEntries(this.known)), Date.now());
    }
    return next.n;
  }
}

const INQUIRY_COLUMNS = 'id, name, email, company, website, type, message, fast_track, created_at, handled_at, handled_by';
const BATCH = 500;
const EVENT_COLUMNS = 'id, event_id, event_type, api_order_id, external_id, payload, received_at';
// Search: each alternative is its own index lookup (order id, external id, event id); the rows
// are then fetched by primary key. With a type filter too, `+event_type` keeps the planner on
// the search's small id set instead of walking every event of that type.
const SEARCH = `id IN (SELECT id FROM webhook_events WHERE api_order_id = @qnum
  UNION ALL SELECT id FROM webhook_events WHERE external_id = @q
  UNION ALL SELECT id FROM webhook_events WHERE event_id = @q)`;

/** AdminReads on SQLite: every statement prepared once. */
export class SqliteAdminReads implements AdminReads {
  private readonly events: Record<'all' | 'type' | 'q' | 'typeQ', Keyset<EventRow, Record<string, unknown>>>;
  private readonly rejectedPage: Keyset<RejectedRow, Record<string, never>>;
  private readonly ordersPage: Keyset<OrderRow, Record<string, never>>;
  private readonly inquirySets = new Map<string, Keyset<InquiryRow, Record<string, never>>>();
  private readonly eventCounts: GrowingCount;
  private readonly ordersCount: Statement<[], { n: number }>;
  private readonly orderBatch: Statement<[{ bound: number; limit: number }], OrderRow>;
  private readonly inquiryBatch: Statement<[{ bound: number; limit: number }], InquiryRow>;
  private readonly failedDeploys: Statement<[{ since: number }], OrderRow>;
  private readonly failedSubscriptions: Statement<[{ since: number }], StoredOrderRow>;
  private readonly bursts: Statement<[{ since: number }], RejectedBurst>;
  private readonly fastTrackDue: Statement<[{ before: number }], InquiryRow>;
  private readonly unpaidOpenStmt: Statement<[number], { n: number }>;
  private readonly typesSeen: Statement<[], { type: string }>;
  private readonly orderByRef: Statement<[string], OrderRow>;
  private readonly timeline: Statement<[{ ref: string; api: number | null }], EventRow>;
  private readonly refsForApiIds: Statement<[string], { ref: string; api_order_id: number }>;
  private readonly refsForRefs: Statement<[string], { ref: string }>;

  constructor(db: Db) {
    const k = (where: string) => new Keyset<EventRow, Record<string, unknown>>(db, EVENT_COLUMNS, 'webhook_events', where, 'id');
    this.events = {
      all: k(''),
      type: k('event_type = @type'),
      q: k(SEARCH),
      typeQ: k(`+event_type = @type AND ${SEARCH}`),
    };
    this.rejectedPage = new Keyset(db, 'id, reason, event_id, event_type, body_excerpt, received_at', 'rejected_deliveries', '', 'id');
    this.ordersPage = new Keyset(db, '*', 'orders', '', 'rowid');
    for (const handled of ['open', 'handled', 'all'] as const) {
      for (const fastTrackOnly of [false, true]) {
        const where = [handled === 'open' ? 'handled_at IS NULL' : handled === 'handled' ? 'handled_at IS NOT NULL' : '', fastTrackOnly ? 'fast_track = 1' : '']
          .filter(Boolean)
          .join(' AND ');
        this.inquirySets.set(`${handled}/${fastTrackOnly}`, new Keyset(db, INQUIRY_COLUMNS, 'inquiries', where, 'id'));
      }
    }
    this.eventCounts = new GrowingCount(db);
    this.ordersCount = db.prepare('SELECT count(*) AS n FROM orders');
    this.orderBatch = db.prepare('SELECT rowid AS key, * FROM orders WHERE rowid > @bound ORDER BY rowid LIMIT @limit');
    this.inquiryBatch = db.prepare(`SELECT id AS key, ${INQUIRY_COLUMNS} FROM inquiries WHERE id > @bound ORDER BY id LIMIT @limit`);
    const rules = ATTENTION_RULES;
    this.failedDeploys = db.prepare(`SELECT rowid AS key, * FROM orders WHERE status = 'failed' AND updated_at >= @since ORDER BY updated_at DESC LIMIT ${rules.listLimit}`);
    // Served by the partial index orders_subscription_failed (updated_at) WHERE subscription_status = 'payment_failed'.
    this.failedSubscriptions = db.prepare(`SELECT * FROM orders
      WHERE subscription_status = 'payment_failed' AND updated_at >= @since ORDER BY updated_at DESC LIMIT ${rules.listLimit}`);
    // Constants inlined: bound numbers arrive as REAL, and REAL division would not bucket.
    this.bursts = db.prepare(`SELECT reason, count(*) AS count, min(received_at) AS first, max(received_at) AS last
      FROM rejected_deliveries WHERE received_at >= @since
      GROUP BY reason, received_at / ${rules.burstBucketMs} HAVING count(*) >= ${rules.burstMin}
      ORDER BY last DESC LIMIT ${rules.listLimit}`);
    // Served by the partial index inquiries_open (fast_track, id) WHERE handled_at IS NULL.
    this.fastTrackDue = db.prepare(`SELECT id AS key, ${INQUIRY_COLUMNS} FROM inquiries
      WHERE fast_track = 1 AND handled_at IS NULL AND created_at <= @before ORDER BY id LIMIT ${rules.listLimit}`);
    this.unpaidOpenStmt = db.prepare(`SELECT count(*) AS n FROM orders WHERE created_at > ? AND status IN ${UNPAID_OPEN_STATUSES}`);
    // The distinct types without reading every row: a skip-scan over the (event_type, id) index,
    // one seek per type. Bounded, in case a sender invents very many.
    this.typesSeen = db.prepare(`
      WITH RECURSIVE seen(type) AS (
        SELECT min(event_type) FROM webhook_events
        UNION ALL
        SELECT (SELECT min(event_type) FROM webhook_events WHERE event_type > seen.type) FROM seen WHERE seen.type IS NOT NULL
      )
      SELECT type FROM seen WHERE type IS NOT NULL LIMIT 200`);
    this.orderByRef = db.prepare('SELECT rowid AS key, * FROM orders WHERE ref = ?');
    this.timeline = db.prepare(`SELECT id AS key, ${EVENT_COLUMNS} FROM webhook_events
      WHERE id IN (SELECT id FROM webhook_events WHERE external_id = @ref
                   UNION ALL SELECT id FROM webhook_events WHERE api_order_id = @api)
      ORDER BY id ASC LIMIT 500`);
    this.refsForApiIds = db.prepare('SELECT ref, api_order_id FROM orders WHERE api_order_id IN (SELECT value FROM json_each(?))');
    this.refsForRefs = db.prepare('SELECT ref FROM orders WHERE ref IN (SELECT value FROM json_each(?))');
  }

  async eventsPage(filter: EventFilter, cursor: Cursor, size: number): Promise<KeysetPage<EventRow>> {
    const q = filter.q;
    const params: Record<string, unknown> = {};
    if (filter.type) params['type'] = filter.type;
    if (q) {
      params['q'] = q;
      params['qnum'] = /^\d{1,15}$/.test(q) ? Number(q) : null;
    }
    const set = filter.type ? (q ? this.events.typeQ : this.events.type) : q ? this.events.q : this.events.all;
    return set.page(params, cursor, size);
  }

  async eventTotal(filter: EventFilter): Promise<Total> {
    if (!filter.q) return { count: this.eventCounts.count(filter.type), capped: false };
    const params: Record<string, unknown> = { q: filter.q, qnum: /^\d{1,15}$/.test(filter.q) ? Number(filter.q) : null };
    if (filter.type) params['type'] = filter.type;
    return total((filter.type ? this.events.typeQ : this.events.q).count(params));
  }

  async eventTypes(): Promise<string[]> {
    return this.typesSeen.all().map((r) => r.type);
  }

  async orderLinks(rows: readonly EventRow[]): Promise<{ byApiId: Map<number, string>; refs: Set<string> }> {
    const apiIds = [...new Set(rows.map((r) => r.api_order_id).filter((v): v is number => v !== null))];
    const externals = [...new Set(rows.map((r) => r.external_id).filter((v): v is string => v !== null))];
    const byApiId = new Map<number, string>();
    for (const r of apiIds.length ? this.refsForApiIds.all(JSON.stringify(apiIds)) : []) byApiId.set(r.api_order_id, r.ref);
    const refs = new Set(externals.length ? this.refsForRefs.all(JSON.stringify(externals)).map((r) => r.ref) : []);
    return { byApiId, refs };
  }

  async rejected(cursor: Cursor, size: number): Promise<KeysetPage<RejectedRow>> {
    return this.rejectedPage.page({}, cursor, size);
  }

  async unpaidOpen(): Promise<number> {
    return this.unpaidOpenStmt.get(Date.now() - CHECKOUT_WINDOW_MS)!.n;
  }

  async orders(cursor: Cursor, size: number): Promise<KeysetPage<OrderRow>> {
    return this.ordersPage.page({}, cursor, size);
  }

  async order(ref: string): Promise<{ order: OrderRow; events: EventRow[] } | undefined> {
    const order = this.orderByRef.get(ref);
    if (!order) return undefined;
    return { order, events: this.timeline.all({ ref, api: order.api_order_id }) };
  }

  async inquiries(filter: InquiryFilter, cursor: Cursor, size: number): Promise<KeysetPage<InquiryRow> & { total: Total }> {
    const set = this.inquirySets.get(`${filter.handled}/${filter.fastTrackOnly}`)!;
    return { ...set.page({}, cursor, size), total: total(set.count({})) };
  }

  async ordersTotal(): Promise<Total> {
    return { count: this.ordersCount.get()!.n, capped: false };
  }

  async *allOrders(): AsyncIterable<OrderRow> {
    yield* batches(this.orderBatch);
  }

  async *allInquiries(): AsyncIterable<InquiryRow> {
    yield* batches(this.inquiryBatch);
  }

  async attention(now: number): Promise<Attention> {
    return {
      failedDeploys: this.failedDeploys.all({ since: now - ATTENTION_RULES.failedDeployWindowMs }),
      failedSubscriptions: this.failedSubscriptions.all({ since: now - ATTENTION_RULES.failedSubscriptionWindowMs }),
      rejectedBursts: this.bursts.all({ since: now - ATTENTION_RULES.burstLookbackMs }),
      fastTrackDue: this.fastTrackDue.all({ before: now - (ATTENTION_RULES.fastTrackPromiseMs - ATTENTION_RULES.fastTrackWarnMs) }),
    };
  }
}

/** A table read in key order, BATCH rows per statement, so no cursor stays open across awaits. */
function* batches<Row extends { key: number }>(stmt: Statement<[{ bound: number; limit: number }], Row>): Generator<Row> {
  let bound = 0;
  for (;;) {
    const rows = stmt.all({ bound, limit: BATCH });
    yield* rows;
    if (rows.length < BATCH) return;
    bound = rows[rows.length - 1]!.key;
  }
}
