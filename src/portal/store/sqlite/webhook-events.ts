import { EVENT_TYPES, ReceivedOrderPayload, type EventType } from '../../../contract/index.js';
import {
  EXTERNAL_ID_MAX,
  REJECTED_EXCERPT_BYTES,
  REJECTED_KEEP,
  type BatchResult,
  type IncomingEvent,
  type IngestOutcome,
  type RejectedDelivery,
  type WebhookEventStore,
} from '../../webhooks/store.js';
import { isBusy } from '../../../lib/sqlite.js';
import type { Db } from '../db.js';
import type { SqliteOrderStore } from './orders.js';

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * WebhookEventStore on SQLite. Every statement is prepared once; an event is stored and applied
 * to its order (by the order store's writer) in one transaction, so an acknowledged event is on
 * disk together with its effect, and a replay (same event id) changes nothing.
 */
export class SqliteWebhookEventStore implements WebhookEventStore {
  private readonly insertEvent;
  private readonly insertRejected;
  private readonly trimRejected;
  private readonly ingestTx;
  private readonly batchTx;
  private readonly rejectTx;

  constructor(
    db: Db,
    private readonly orders: SqliteOrderStore,
    private readonly now: () => number = Date.now,
  ) {
    this.insertEvent = db.prepare<[string, string, number | null, string | null, string, number]>(
      `INSERT INTO webhook_events (event_id, event_type, api_order_id, external_id, payload, received_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
    );
    this.insertRejected = db.prepare<[string, string | null, string | null, string, number]>(
      'INSERT INTO rejected_deliveries (reason, event_id, event_type, body_excerpt, received_at) VALUES (?, ?, ?, ?, ?)',
    );
    // The rowid only grows, so "older than the last REJECTED_KEEP" is one range on the primary key.
    this.trimRejected = db.prepare(`DELETE FROM rejected_deliveries WHERE id <= (SELECT max(id) FROM rejected_deliveries) - ${REJECTED_KEEP}`);

    // Always inside one of the two transactions below, so the event and its effect commit together.
    const ingestOne = ({ eventId, eventType, text, body }: IncomingEvent): IngestOutcome => {
      const payload = ReceivedOrderPayload.safeParse(body);
      const order = payload.success ? payload.data : undefined;
      const externalId = typeof order?.external_id === 'string' ? order.external_id.slice(0, EXTERNAL_ID_MAX) : null;
      const now = this.now();
      const inserted = this.insertEvent.run(eventId, eventType, order?.id ?? null, externalId, text, now);
      if (inserted.changes === 0) return { stored: false, applied: false };
      if (!order || !KNOWN_TYPES.has(eventType)) return { stored: true, applied: false };
      return { stored: true, applied: this.orders.applyEvent(eventId, eventType as EventType, order, now) };
    };
    this.ingestTx = db.transaction(ingestOne);
    // Group commit: one transaction for the whole batch. If any event throws, the whole batch
    // rolls back and each event is retried in its own transaction, so one bad event cannot take
    // the others down with it (replaying is safe: the batch left nothing behind).
    this.batchTx = db.transaction((events: readonly IncomingEvent[]): IngestOutcome[] => events.map(ingestOne));
    this.rejectTx = db.transaction((r: RejectedDelivery) => {
      const excerpt = r.body.subarray(0, REJECTED_EXCERPT_BYTES).toString('utf8');
      this.insertRejected.run(r.reason, clip(r.eventId), clip(r.eventType), excerpt, this.now());
      this.trimRejected.run();
    });
  }

  async ingestBatch(events: readonly IncomingEvent[]): Promise<BatchResult[]> {
    if (events.length === 1) return [this.ingestOrError(events[0]!)];
    try {
      return this.batchTx.immediate(events);
    } catch (err) {
      // A lock held elsewhere is not the batch's fault: the receiver waits and tries again.
      if (isBusy(err)) throw err;
      return events.map((e) => this.ingestOrError(e));
    }
  }

  async reject(delivery: RejectedDelivery): Promise<void> {
    this.rejectTx(delivery);
  }

  private ingestOrError(e: IncomingEvent): BatchResult {
    try {
      return this.ingestTx.immediate(e);
    } catch (err) {
      if (isBusy(err)) throw err;
      return err instanceof Error ? err : new Error(String(err));
    }
  }
}

function clip(value: string | null): string | null {
  return value === null ? null : value.slice(0, 200);
}
