import type { OrderRow as StoredOrderRow } from '../orders/store.js';
import type { InquiryRow as StoredInquiryRow } from '../partners/store.js';

/** Where a keyset page starts: the newest rows, rows older than `before`, or newer than `after`. */
export type Cursor = { before?: number | undefined; after?: number | undefined };

/** One page, newest first, with the cursors of its neighbours (null when there is none). */
export interface KeysetPage<Row> {
  rows: Row[];
  /** Pass as `after` to see the rows just newer than this page. */
  newer: number | null;
  /** Pass as `before` to see the rows just older than this page. */
  older: number | null;
}

export interface EventRow {
  key: number;
  id: number;
  event_id: string;
  event_type: string;
  api_order_id: number | null;
  external_id: string | null;
  payload: string;
  received_at: number;
}

export interface RejectedRow {
  key: number;
  id: number;
  reason: string;
  event_id: string | null;
  event_type: string | null;
  body_excerpt: string;
  received_at: number;
}

/** An orders row with its rowid as the page key. */
export type OrderRow = StoredOrderRow & { key: number };

/** An inquiries row (without the client's IP, which admin never shows) with its id as the page key. */
export type InquiryRow = Omit<StoredInquiryRow, 'client_ip'> & { key: number };

export interface EventFilter {
  type?: string | undefined;
  q?: string | undefined;
}

/** Counts of filtered sets stop here: a search or a filter never reads more than this to count. */
export const COUNT_CAP = 10_000;

/** A total to show: exact, or "more than COUNT_CAP" (capped). */
export interface Total {
  count: number;
  capped: boolean;
}

/** Which inquiries a page shows. */
export interface InquiryFilter {
  handled: 'open' | 'handled' | 'all';
  fastTrackOnly: boolean;
}

/** A run of refused deliveries for one reason (see AttentionRules). */
export interface RejectedBurst {
  reason: string;
  count: number;
  first: number;
  last: number;
}

/**
 * Everything on the "needs attention" view, one field per kind: to add a kind, add a field here,
 * its query in the store, and a section in views/admin/attention.eta; attentionCount() then
 * counts it for the tab.
 */
export interface Attention {
  /** Orders whose agent failed to come up, changed within the last 30 days, newest first. */
  failedDeploys: OrderRow[];
  /**
   * Subscriptions whose monthly payment failed (their first order's row, which holds the
   * subscription's state), changed within the last 30 days, newest first.
   */
  failedSubscriptions: StoredOrderRow[];
  /** At least 5 refusals for one reason within one 10-minute bucket, in the last 24 hours. */
  rejectedBursts: RejectedBurst[];
  /** Open fast-track inquiries with less than 4 of their 24 hours left, or overdue; oldest first. */
  fastTrackDue: InquiryRow[];
}

export const ATTENTION_RULES = {
  failedDeployWindowMs: 30 * 86_400_000,
  failedSubscriptionWindowMs: 30 * 86_400_000,
  burstMin: 5,
  burstBucketMs: 10 * 60_000,
  burstLookbackMs: 86_400_000,
  fastTrackPromiseMs: 24 * 3_600_000,
  fastTrackWarnMs: 4 * 3_600_000,
  listLimit: 50,
} as const;

/** How many things need attention (the tab's badge). */
export function attentionCount(a: Attention): number {
  return a.failedDeploys.length + a.failedSubscriptions.length + a.rejectedBursts.length + a.fastTrackDue.length;
}

/**
 * Every read the admin console makes; pages are keyset pages (no OFFSET, no COUNT(*) of a whole
 * table per page view). The SQLite
 * implementation is src/portal/store/sqlite/admin-reads.ts.
 */
export interface AdminReads {
  eventsPage(filter: EventFilter, cursor: Cursor, size: number): Promise<KeysetPage<EventRow>>;
  /**
   * How many events the filter matches: exact for all events or one type, capped at COUNT_CAP for
   * a search. Must not be a full COUNT(*) per call: the table holds millions of rows.
   */
  eventTotal(filter: EventFilter): Promise<Total>;
  /** The event types seen so far (bounded), for the filter. */
  eventTypes(): Promise<string[]>;
  /**
   * The local order refs that a page of events points at (by API id or by external id = ref), so
   * the page can link to each order's timeline.
   */
  orderLinks(rows: readonly EventRow[]): Promise<{ byApiId: Map<number, string>; refs: Set<string> }>;
  rejected(cursor: Cursor, size: number): Promise<KeysetPage<RejectedRow>>;
  orders(cursor: Cursor, size: number): Promise<KeysetPage<OrderRow>>;
  /** Orders placed in the last 24 hours that still hold a deploy slot without being paid. */
  unpaidOpen(): Promise<number>;
  ordersTotal(): Promise<Total>;
  /** Every order, oldest first, read in batches (CSV export: memory stays flat). */
  allOrders(): AsyncIterable<OrderRow>;
  /** Every inquiry, oldest first, read in batches (CSV export). */
  allInquiries(): AsyncIterable<InquiryRow>;
  attention(now: number): Promise<Attention>;
  /** One order with its event timeline (oldest first, bounded). */
  order(ref: string): Promise<{ order: OrderRow; events: EventRow[] } | undefined>;
  inquiries(filter: InquiryFilter, cursor: Cursor, size: number): Promise<KeysetPage<InquiryRow> & { total: Total }>;
}
