import type pg from 'pg';
import { REJECTED_KEEP, type BatchResult, type IncomingEvent, type IngestOutcome, type RejectedDelivery, type WebhookEventStore } from '../../webhooks/store.js';
import { eventInsert, rejectedParams, WEBHOOK_EVENTS } from '../queries.js';
import { asError } from '../sqlite/webhook-events.js';
import type { EventToApply, PgOrderStore } from './orders.js';
import { transaction, type PgSql } from './sql.js';

/**
 * Every order a batch touches, locked in one order (ascending API id) at the start of its
 * transaction: two processes ingesting events of the same orders queue instead of deadlocking,
 * and an order first seen in an event is inserted once.
 */
const LOCK_ORDERS = 'SELECT count(pg_advisory_xact_lock(id)) AS n FROM unnest(@ids::bigint[]) WITH ORDINALITY AS u(id, i)';

/**
 * WebhookEventStore on PostgreSQL: the same group commit as on SQLite — one transaction per
 * batch, and when it fails, one per event so a bad event takes no other down. A duplicate event
 * id (the same delivery to two processes at once) waits on the unique index and then does nothing.
 */
export class PgWebhookEventStore implements WebhookEventStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly orders: PgOrderStore,
    private readonly now: () => number = Date.now,
  ) {}

  async ingestBatch(events: readonly IncomingEvent[]): Promise<BatchResult[]> {
    if (events.length > 1) {
      try {
        return await transaction(this.pool, (tx) => this.ingestAll(tx, events));
      } catch {
        // Fall through: each event on its own.
      }
    }
    return Promise.all(events.map((e) => transaction(this.pool, (tx) => this.ingestAll(tx, [e])).then((r) => r[0]!, asError)));
  }

  reject(delivery: RejectedDelivery): Promise<void> {
    return transaction(this.pool, async (tx) => {
      await tx.run(WEBHOOK_EVENTS.insertRejected, rejectedParams(delivery, this.now()));
      await tx.run(WEBHOOK_EVENTS.trimRejected, { keep: REJECTED_KEEP });
    });
  }

  private async ingestAll(tx: PgSql, events: readonly IncomingEvent[]): Promise<IngestOutcome[]> {
    const now = this.now();
    const parsed = events.map((e) => eventInsert(e, now));
    const ids = [...new Set(parsed.flatMap((p) => (p.applies ? [p.applies.order.id] : [])))].sort((a, b) => a - b);
    if (ids.length > 0) await tx.get(LOCK_ORDERS, { ids });
    // In event-id order, so two batches holding the same ids wait on each other instead of deadlocking.
    const rows = parsed.map((p) => p.params).sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
    const stored = new Set((await tx.all<{ event_id: string }>(INSERT_EVENTS, eventColumns(rows))).map((r) => r.event_id));
    const outcomes: IngestOutcome[] = [];
    const toApply: EventToApply[] = [];
    const applyAt: number[] = [];
    for (const [i, { params, applies }] of parsed.entries()) {
      // An id twice in one batch: the first is the one stored.
      const isNew = stored.delete(params.eventId);
      outcomes.push(isNew ? { stored: true, applied: false } : { stored: false, applied: false });
      if (isNew && applies) {
        toApply.push({ eventId: params.eventId, type: applies.type, order: applies.order });
        applyAt.push(i);
      }
    }
    const applied = await this.orders.applyEvents(tx, toApply, now);
    applyAt.forEach((i, n) => (outcomes[i] = { stored: true, applied: applied[n]! }));
    return outcomes;
  }
}

const INSERT_EVENTS = `INSERT INTO webhook_events (event_id, event_type, api_order_id, external_id, payload, received_at)
  SELECT * FROM unnest(@eventId::text[], @eventType::text[], @apiOrderId::bigint[], @externalId::text[], @payload::text[], @now::bigint[])
  ON CONFLICT (event_id) DO NOTHING RETURNING event_id`;

function eventColumns(rows: ReadonlyArray<ReturnType<typeof eventInsert>['params']>) {
  return {
    eventId: rows.map((r) => r.eventId),
    eventType: rows.map((r) => r.eventType),
    apiOrderId: rows.map((r) => r.apiOrderId),
    externalId: rows.map((r) => r.externalId),
    payload: rows.map((r) => r.payload),
    now: rows.map((r) => r.now),
  };
}
