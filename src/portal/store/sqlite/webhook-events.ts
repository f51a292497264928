import { REJECTED_KEEP, type BatchResult, type IncomingEvent, type IngestOutcome, type RejectedDelivery, type WebhookEventStore } from '../../webhooks/store.js';
import { isBusy } from '../../../lib/sqlite.js';
import type { Db } from '../db.js';
import { eventInsert, rejectedParams, WEBHOOK_EVENTS } from '../queries.js';
import type { SqliteOrderStore } from './orders.js';

/**
 * WebhookEventStore on SQLite. Every statement is prepared once; an event is stored and applied
 * to its order (by the order store's writer) in one transaction, so an acknowledged event is on
 * disk together with its effect, and a replay (same event id) changes nothing.
 */
export class SqliteWebhookEventStore implements WebhookEventStore {
  private readonly ingestTx;
  private readonly batchTx;
  private readonly rejectTx;

  constructor(
    db: Db,
    private readonly orders: SqliteOrderStore,
    private readonly now: () => number = Date.now,
  ) {
    const insertEvent = db.prepare(WEBHOOK_EVENTS.insert);
    const insertRejected = db.prepare(WEBHOOK_EVENTS.insertRejected);
    const trimRejected = db.prepare(WEBHOOK_EVENTS.trimRejected);

    // Always inside one of the two transactions below, so the event and its effect commit together.
    const ingestOne = (event: IncomingEvent): IngestOutcome => {
      const now = this.now();
      const { params, applies } = eventInsert(event, now);
      if (insertEvent.run(params).changes === 0) return { stored: false, applied: false };
      if (!applies) return { stored: true, applied: false };
      return { stored: true, applied: this.orders.applyEvent(event.eventId, applies.type, applies.order, now) };
    };
    this.ingestTx = db.transaction(ingestOne);
    // Group commit: one transaction for the whole batch. If any event throws, the whole batch
    // rolls back and each event is retried in its own transaction, so one bad event cannot take
    // the others down with it (replaying is safe: the batch left nothing behind).
    this.batchTx = db.transaction((events: readonly IncomingEvent[]): IngestOutcome[] => events.map(ingestOne));
    this.rejectTx = db.transaction((r: RejectedDelivery) => {
      insertRejected.run(rejectedParams(r, this.now()));
      trimRejected.run({ keep: REJECTED_KEEP });
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
      return asError(err);
    }
  }
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
