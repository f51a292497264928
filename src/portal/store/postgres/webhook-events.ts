import type pg from 'pg';
import { REJECTED_KEEP, type BatchResult, type IncomingEvent, type IngestOutcome, type RejectedDelivery, type WebhookEventStore } from '../../webhooks/store.js';
import { eventInsert, rejectedParams, WEBHOOK_EVENTS } from '../queries.js';
import { asError } from '../sqlite/webhook-events.js';
import { TOUCHED_ORDERS, type EventToApply, type PgOrderStore, type TouchedRow } from './orders.js';
import { transaction, type PgSql } from './sql.js';

/**
 * WebhookEventStore on PostgreSQL: the same group commit as on SQLite — one transaction per
 * batch, and when it fails, one per event so a bad event takes no other down. A duplicate event
 * id (the same delivery to two processes at once) waits on the unique index and then does nothing.
 */
export class PgWebhookEventStore implements WebhookEventStore {
  private waiting: Array<{ events: readonly IncomingEvent[]; done: (results: BatchResult[]) => void }> = [];
  private running = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly orders: PgOrderStore,
    /** Transactions in flight at once; batches that arrive meanwhile wait and go in together. */
    private readonly concurrency: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Each round trip to the server costs more than an event, so batches that arrive while
   * `concurrency` transactions are in flight are merged into the next one: under load the
   * batches grow, and the number of transactions per event falls.
   */
  ingestBatch(events: readonly IncomingEvent[]): Promise<BatchResult[]> {
    return new Promise((done) => {
      this.waiting.push({ events, done });
      this.next();
    });
  }

  private next(): void {
    if (this.running >= this.concurrency || this.waiting.length === 0) return;
    const group = this.waiting;
    this.waiting = [];
    this.running++;
    void this.ingestGroup(group.flatMap((g) => g.events)).then((results) => {
      this.running--;
      let at = 0;
      for (const g of group) {
        g.done(results.slice(at, at + g.events.length));
        at += g.events.length;
      }
      this.next();
    });
  }

  private async ingestGroup(events: readonly IncomingEvent[]): Promise<BatchResult[]> {
    if (events.length > 1) {
      try {
        return await this.ingestInTransaction(events);
      } catch {
        // Fall through: each event on its own.
      }
    }
    // One after the other: events of one order in this group must not race each other.
    const results: BatchResult[] = [];
    for (const e of events) results.push(await this.ingestInTransaction([e]).then((r) => r[0]!, asError));
    return results;
  }

  /**
   * One transaction, tried again when it lost a race with another process: both inserted an
   * order first seen in an event (unique API id) or they deadlocked. The loser rolled back, and
   * on the next try it finds the winner's row.
   */
  private async ingestInTransaction(events: readonly IncomingEvent[], tries = 3): Promise<IngestOutcome[]> {
    try {
      return await transaction(this.pool, (tx) => this.ingestAll(tx, events));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (tries > 1 && (code === UNIQUE_VIOLATION || code === DEADLOCK)) return this.ingestInTransaction(events, tries - 1);
      throw err;
    }
  }

  reject(delivery: RejectedDelivery): Promise<void> {
    return transaction(this.pool, async (tx) => {
      await tx.run(WEBHOOK_EVENTS.insertRejected, rejectedParams(delivery, this.now()));
      await tx.run(WEBHOOK_EVENTS.trimRejected, { keep: REJECTED_KEEP });
    });
  }

  /**
   * Round trips are what a batch costs here: BEGIN, one statement that stores the events and
   * reads (and locks) the orders they touch, one that writes those orders, COMMIT. Two processes
   * that both insert an order first seen in an event collide on its API id: the later transaction
   * fails and is tried again, by which time the row is there.
   */
  private async ingestAll(tx: PgSql, events: readonly IncomingEvent[]): Promise<IngestOutcome[]> {
    const now = this.now();
    const parsed = events.map((e) => eventInsert(e, now));
    // In event-id order, so two batches holding the same ids wait on each other instead of deadlocking.
    const rows = parsed.map((p) => p.params).sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
    const orders = parsed.flatMap((p) => (p.applies ? [p.applies.order] : []));
    const result = await tx.get<{ stored: string[] | null; rows: TouchedRow[] | null }>(STORE_AND_READ, {
      ...eventColumns(rows),
      refs: [...new Set(orders.flatMap((o) => (o.external_id ? [o.external_id] : [])))],
      ids: [...new Set(orders.map((o) => o.id))],
      subs: [...new Set(orders.flatMap((o) => (o.subscription_id === undefined ? [] : [o.subscription_id])))],
    });
    const stored = new Set(result?.stored ?? []);
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
    if (toApply.length === 0) return outcomes;
    const applied = await this.orders.applyEvents(tx, toApply, result?.rows ?? [], now);
    for (const [n, i] of applyAt.entries()) outcomes[i] = { stored: true, applied: applied[n]! };
    return outcomes;
  }
}

const UNIQUE_VIOLATION = '23505';
const DEADLOCK = '40P01';

const STORE_AND_READ = `WITH stored AS (
    INSERT INTO webhook_events (event_id, event_type, api_order_id, external_id, payload, received_at)
    SELECT * FROM unnest(@eventId::text[], @eventType::text[], @apiOrderId::bigint[], @externalId::text[], @payload::text[], @now::bigint[])
    ON CONFLICT (event_id) DO NOTHING RETURNING event_id
  ), touched AS (${TOUCHED_ORDERS})
  SELECT (SELECT array_agg(event_id) FROM stored) AS stored, (SELECT json_agg(touched) FROM touched) AS rows`;

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
