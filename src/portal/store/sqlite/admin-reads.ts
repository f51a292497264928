import type { Statement } from 'better-sqlite3';
import type { AdminReads, Cursor, EventFilter, EventRow, InquiryRow, KeysetPage, OrderRow, RejectedRow } from '../../admin/queries.js';
import { CHECKOUT_WINDOW_MS, UNPAID_OPEN_STATUSES } from '../../orders/store.js';
import type { Db } from '../db.js';

const MAX_KEY = Number.MAX_SAFE_INTEGER;

/**
 * Keyset pagination over an integer key with a fixed WHERE clause: every page is an index range
 * scan of at most `limit + 1` rows plus two one-row probes — no OFFSET, no COUNT(*).
 */
class Keyset<Row extends { key: number }, P extends Record<string, unknown>> {
  private readonly desc: Statement<[P & { bound: number; limit: number }], Row>;
  private readonly asc: Statement<[P & { bound: number; limit: number }], Row>;
  private readonly anyNewer: Statement<[P & { bound: number }], { one: number }>;
  private readonly anyOlder: Statement<[P & { bound: number }], { one: number }>;

  constructor(db: Db, select: string, from: string, where: string, key: string) {
    const w = where ? `${where} AND` : '';
    this.desc = db.prepare(`SELECT ${key} AS key, ${select} FROM ${from} WHERE ${w} ${key} < @bound ORDER BY ${key} DESC LIMIT @limit`);
    this.asc = db.prepare(`SELECT ${key} AS key, ${select} FROM ${from} WHERE ${w} ${key} > @bound ORDER BY ${key} ASC LIMIT @limit`);
    this.anyNewer = db.prepare(`SELECT 1 AS one FROM ${from} WHERE ${w} ${key} > @bound ORDER BY ${key} ASC LIMIT 1`);
    this.anyOlder = db.prepare(`SELECT 1 AS one FROM ${from} WHERE ${w} ${key} < @bound ORDER BY ${key} DESC LIMIT 1`);
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
  private readonly unpaidOpenStmt: Statement<[number], { n: number }>;
  private readonly inquiriesAll: Keyset<InquiryRow, Record<string, never>>;
  private readonly inquiriesFast: Keyset<InquiryRow, Record<string, never>>;
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
    this.unpaidOpenStmt = db.prepare(`SELECT count(*) AS n FROM orders WHERE created_at > ? AND status IN ${UNPAID_OPEN_STATUSES}`);
    const inquiryColumns = 'id, name, email, company, website, type, message, fast_track, created_at';
    this.inquiriesAll = new Keyset(db, inquiryColumns, 'inquiries', '', 'id');
    this.inquiriesFast = new Keyset(db, inquiryColumns, 'inquiries', 'fast_track = 1', 'id');
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

  async inquiries(fastTrackOnly: boolean, cursor: Cursor, size: number): Promise<KeysetPage<InquiryRow>> {
    return (fastTrackOnly ? this.inquiriesFast : this.inquiriesAll).page({}, cursor, size);
  }
}
