import type pg from 'pg';
import { REJECTED_KEEP, type BatchResult, type IncomingEvent, type IngestOutcome, type RejectedDelivery, type WebhookEventStore } from '../../webhooks/store.js';
import { eventInsert, rejectedParams, WEBHOOK_EVENTS } from '../queries.js';
import { asError } from '../sqlite/webhook-events.js';
import type { PgOrderStore } from './orders.js';
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
    const out: IngestOutcome[] = [];
    for (const [i, { params, applies }] of parsed.entries()) {
      if ((await tx.run(WEBHOOK_EVENTS.insert, params)) === 0) out.push({ stored: false, applied: false });
      else if (!applies) out.push({ stored: true, applied: false });
      else out.push({ stored: true, applied: await this.orders.applyEvent(tx, events[i]!.eventId, applies.type, applies.order, now) });
    }
    return out;
  }
}
