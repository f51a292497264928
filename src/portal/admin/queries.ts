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

/**
 * Every read the admin console makes; pages are keyset pages (no OFFSET, no COUNT(*)). The SQLite
 * implementation is src/portal/store/sqlite/admin-reads.ts.
 */
export interface AdminReads {
  eventsPage(filter: EventFilter, cursor: Cursor, size: number): Promise<KeysetPage<EventRow>>;
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
  /** One order with its event timeline (oldest first, bounded). */
  order(ref: string): Promise<{ order: OrderRow; events: EventRow[] } | undefined>;
  inquiries(fastTrackOnly: boolean, cursor: Cursor, size: number): Promise<KeysetPage<InquiryRow>>;
}
