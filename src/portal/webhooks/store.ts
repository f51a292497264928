import { EVENT_TYPES, ReceivedOrderPayload, type EventType } from '../../contract/index.js';
import { eventTimeFromId, shouldApply, STATUS_FROM_EVENT } from '../orders/status.js';
import { newOrderRef, type OrderRow as StoredOrderRow } from '../orders/store.js';
import { isBusy } from '../../lib/sqlite.js';
import type { Db } from '../store/db.js';

/** How many rejected deliveries are kept; older ones are dropped as new ones arrive. */
export const REJECTED_KEEP = 1_000;
/** How much of a rejected body is kept for debugging (bytes, decoded with invalid bytes replaced). */
export const REJECTED_EXCERPT_BYTES = 2_048;
/** The indexed external_id column is bounded (the contract allows 255); the payload keeps it whole. */
const EXTERNAL_ID_MAX = 255;

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

export type IngestOutcome =
  /** Stored now; `applied` says whether it changed an order. */
  | { stored: true; applied: boolean }
  /** Seen before (same X-Mintbot-Event-Id): nothing changed. */
  | { stored: false; applied: false };

/** The columns an event reads and writes (see `columns` below). */
type OrderRow = Pick<
  StoredOrderRow,
  'ref' | 'api_order_id' | 'status' | 'amount_cents' | 'currency' | 'panel_url' | 'expires_at' | 'paid_at' | 'error_step' | 'error_message' | 'last_event_ms'
>;

export interface IncomingEvent {
  eventId: string;
  eventType: string;
  /** The body exactly as received. */
  text: string;
  /** Its parsed JSON object. */
  body: Record<string, unknown>;
}

/** One event's result in a batch: its outcome, or the error that rolled back just that event. */
export type BatchResult = IngestOutcome | Error;

export interface RejectedDelivery {
  reason: string;
  eventId: string | null;
  eventType: string | null;
  body: Buffer;
}

/**
 * The receiver's writes. Every statement is prepared once; an event is stored and applied to its
 * order in one transaction, so an acknowledged event is on disk together with its effect, and a
 * replay (same event id) changes nothing.
 */
export class WebhookStore {
  private readonly insertEvent;
  private readonly orderByRef;
  private readonly orderByApiId;
  private readonly insertOrder;
  private readonly updateOrder;
  private readonly insertRejected;
  private readonly trimRejected;
  private readonly ingestTx;
  private readonly batchTx;
  private readonly rejectTx;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.insertEvent = db.prepare<[string, string, number | null, string | null, string, number]>(
      `INSERT INTO webhook_events (event_id, event_type, api_order_id, external_id, payload, received_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
    );
    const columns = 'ref, api_order_id, status, amount_cents, currency, panel_url, expires_at, paid_at, error_step, error_message, last_event_ms';
    this.orderByRef = db.prepare<[string], OrderRow>(`SELECT ${columns} FROM orders WHERE ref = ?`);
    this.orderByApiId = db.prepare<[number], OrderRow>(`SELECT ${columns} FROM orders WHERE api_order_id = ?`);
    this.insertOrder = db.prepare(
      `INSERT INTO orders (ref, api_order_id, tier, duration_months, credit_usd, language, amount_cents, currency, status,
         checkout_url, panel_url, expires_at, paid_at, error_step, error_message, last_event_ms, created_at, updated_at)
       VALUES (@ref, @api_order_id, @tier, @duration_months, @credit_usd, @language, @amount_cents, @currency, @status,
         @checkout_url, @panel_url, @expires_at, @paid_at, @error_step, @error_message, @last_event_ms, @now, @now)`,
    );
    this.updateOrder = db.prepare(
      `UPDATE orders SET api_order_id = @api_order_id, status = @status, amount_cents = @amount_cents, currency = @currency,
         panel_url = @panel_url, expires_at = @expires_at, paid_at = @paid_at, error_step = @error_step,
         error_message = @error_message, last_event_ms = @last_event_ms, updated_at = @now
       WHERE ref = @ref`,
    );
    this.insertRejected = db.prepare<[string, string | null, string | null, string, number]>(
      'INSERT INTO rejected_deliveries (reason, event_id, event_type, body_excerpt, received_at) VALUES (?, ?, ?, ?, ?)',
    );
    // The rowid only grows, so "older than the last REJECTED_KEEP" is one range on the primary key.
    this.trimRejected = db.prepare(`DELETE FROM rejected_deliveries WHERE id <= (SELECT max(id) FROM rejected_deliveries) - ${REJECTED_KEEP}`);

    // Stores a verified event (deduplicated on its id) and applies it to the local order; always
    // inside one of the two transactions below, so the event and its effect commit together.
    const ingestOne = ({ eventId, eventType, text, body }: IncomingEvent): IngestOutcome => {
      const payload = ReceivedOrderPayload.safeParse(body);
      const order = payload.success ? payload.data : undefined;
      const externalId = typeof order?.external_id === 'string' ? order.external_id.slice(0, EXTERNAL_ID_MAX) : null;
      const inserted = this.insertEvent.run(eventId, eventType, order?.id ?? null, externalId, text, this.now());
      if (inserted.changes === 0) return { stored: false, applied: false };
      if (!order || !KNOWN_TYPES.has(eventType)) return { stored: true, applied: false };
      return { stored: true, applied: this.apply(eventId, eventType as EventType, order) };
    };
    this.ingestTx = db.transaction(ingestOne);
    // Group commit: one transaction for the whole batch. If any event throws, the whole batch
    // rolls back and ingestBatch retries each event in its own transaction, so one bad event
    // cannot take the others down with it (replaying is safe: the batch left nothing behind).
    this.batchTx = db.transaction((events: readonly IncomingEvent[]): IngestOutcome[] => events.map(ingestOne));
    this.rejectTx = db.transaction((r: RejectedDelivery) => {
      const excerpt = r.body.subarray(0, REJECTED_EXCERPT_BYTES).toString('utf8');
      this.insertRejected.run(r.reason, clip(r.eventId), clip(r.eventType), excerpt, this.now());
      this.trimRejected.run();
    });
  }

  /**
   * Stores and applies several events in one commit (the receiver batches the events that arrive
   * in the same event-loop turn): the cost of a commit is shared, and each event is still all or
   * nothing. Nothing is acknowledged before this returns, so an answered event is on disk.
   * Throws the SQLite error when the database is locked by another connection (see isBusy); the
   * events already stored by then are replays on the next try.
   */
  ingestBatch(events: readonly IncomingEvent[]): BatchResult[] {
    if (events.length === 1) return [this.ingestOrError(events[0]!)];
    try {
      return this.batchTx.immediate(events);
    } catch (err) {
      // A lock held elsewhere is not the batch's fault: the caller waits and tries again.
      if (isBusy(err)) throw err;
      return events.map((e) => this.ingestOrError(e));
    }
  }

  private ingestOrError(e: IncomingEvent): BatchResult {
    try {
      return this.ingestTx.immediate(e);
    } catch (err) {
      if (isBusy(err)) throw err;
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /** Keeps a refused delivery for "why are my webhooks failing?"; the table is capped. */
  reject(delivery: RejectedDelivery): void {
    this.rejectTx(delivery);
  }

  private apply(eventId: string, type: EventType, order: ReceivedOrderPayload): boolean {
    const now = this.now();
    const eventMs = eventTimeFromId(eventId);
    const next = STATUS_FROM_EVENT[type];
    const byRef = order.external_id ? this.orderByRef.get(order.external_id) : undefined;
    let row: OrderRow | undefined;
    if (byRef && byRef.api_order_id === order.id) {
      row = byRef;
    } else {
      const byApiId = this.orderByApiId.get(order.id);
      // The portal's own orders carry their ref as external_id. When that row exists but another
      // row already owns this API id (should not happen), the API id wins: it is mintbot's key.
      row = byRef && byRef.api_order_id === null && !byApiId ? byRef : byApiId;
    }

    if (!row) {
      // An order made outside the portal (the dashboard, another shop): track it under a fresh ref.
      this.insertOrder.run({
        ref: newOrderRef(),
        api_order_id: order.id,
        tier: order.tier ?? 'unknown',
        duration_months: order.duration_months ?? 0,
        credit_usd: typeof order['credit_usd'] === 'number' ? Math.trunc(order['credit_usd']) : 0,
        language: typeof order['language'] === 'string' ? order['language'] : null,
        amount_cents: order.amount_cents ?? null,
        currency: order.currency ?? null,
        status: next,
        checkout_url: typeof order['checkout_url'] === 'string' ? order['checkout_url'] : null,
        panel_url: order.panel_url ?? null,
        expires_at: order.expires_at ?? null,
        paid_at: order.paid_at ?? null,
        error_step: type === 'agent.failed' ? (order.error?.step ?? null) : null,
        error_message: type === 'agent.failed' ? (order.error?.message ?? null) : null,
        last_event_ms: eventMs,
        now,
      });
      return true;
    }

    const applies = shouldApply({ status: row.status, lastEventMs: row.last_event_ms }, { status: next, eventMs });
    const update = {
      ref: row.ref,
      api_order_id: row.api_order_id ?? order.id,
      status: row.status,
      // Facts that only ever get known (price, payment time) are filled in even from a late event.
      amount_cents: row.amount_cents ?? order.amount_cents ?? null,
      currency: row.currency ?? order.currency ?? null,
      paid_at: row.paid_at ?? order.paid_at ?? null,
      panel_url: row.panel_url ?? order.panel_url ?? null,
      expires_at: row.expires_at ?? order.expires_at ?? null,
      error_step: row.error_step,
      error_message: row.error_message,
      last_event_ms: row.last_event_ms,
      now,
    };
    if (applies) {
      update.status = next;
      update.last_event_ms = eventMs ?? row.last_event_ms;
      // A newer event's view of the agent wins: a renewal's agent.ready extends expires_at.
      if (order.panel_url) update.panel_url = order.panel_url;
      if (order.expires_at) update.expires_at = order.expires_at;
      if (type === 'agent.failed') {
        update.error_step = order.error?.step ?? null;
        update.error_message = order.error?.message ?? null;
      } else if (type === 'agent.ready') {
        update.error_step = null;
        update.error_message = null;
      }
    }
    // A late event that changes nothing writes nothing (one B-tree page fewer per event).
    if (!applies && sameFacts(row, update)) return false;
    this.updateOrder.run(update);
    return applies;
  }
}

const FACTS = ['api_order_id', 'amount_cents', 'currency', 'paid_at', 'panel_url', 'expires_at'] as const;

function sameFacts(row: Pick<OrderRow, (typeof FACTS)[number]>, update: Pick<OrderRow, (typeof FACTS)[number]>): boolean {
  return FACTS.every((k) => row[k] === update[k]);
}

function clip(value: string | null): string | null {
  return value === null ? null : value.slice(0, 200);
}
