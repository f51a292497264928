/** How many rejected deliveries are kept; older ones are dropped as new ones arrive. */
export const REJECTED_KEEP = 1_000;
/** How much of a rejected body is kept for debugging (bytes, decoded with invalid bytes replaced). */
export const REJECTED_EXCERPT_BYTES = 2_048;
/** The indexed external_id column is bounded (the contract allows 255); the payload keeps it whole. */
export const EXTERNAL_ID_MAX = 255;

export type IngestOutcome =
  /** Stored now; `applied` says whether it changed an order. */
  | { stored: true; applied: boolean }
  /** Seen before (same X-Mintbot-Event-Id): nothing changed. */
  | { stored: false; applied: false };

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
 * The receiver's writes: `webhook_events` (deduplicated on the event id), the order each event
 * changes (through the orders writer), and `rejected_deliveries`. The SQLite implementation is
 * src/portal/store/sqlite/webhook-events.ts.
 */
export interface WebhookEventStore {
  /**
   * Stores and applies several events in one commit (the receiver batches the events that arrive
   * in the same event-loop turn): the cost of a commit is shared, and each event is still all or
   * nothing — one event that fails is reported as its Error without taking the others down.
   * Resolves only after the commit, so an event answered 2xx is on disk with its effect.
   * Rejects with an error isStoreBusy() recognises when the database is locked elsewhere; events
   * stored before that are replays on the next try.
   */
  ingestBatch(events: readonly IncomingEvent[]): Promise<BatchResult[]>;
  /** Keeps a refused delivery for "why are my webhooks failing?"; the table is capped at REJECTED_KEEP. */
  reject(delivery: RejectedDelivery): Promise<void>;
}
