import type { Db } from '../../lib/sqlite.js';
import type { EventType } from '../../contract/index.js';

export type DeliveryState = 'pending' | 'delivered' | 'exhausted';

export interface DeliveryRow {
  id: number;
  event_id: string;
  event_type: EventType;
  order_id: number;
  url: string;
  /** The exact JSON bytes sent (and signed) on every attempt, fixed at event time. */
  payload: string;
  state: DeliveryState;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  next_attempt_at: number | null;
  created_at: number;
}

export type NewDelivery = Pick<DeliveryRow, 'event_id' | 'event_type' | 'order_id' | 'url' | 'payload' | 'created_at' | 'next_attempt_at'>;

/** One try at delivering: when (stub clock), what came back, how long it took. */
export interface AttemptRow {
  id: number;
  delivery_id: number;
  attempted_at: number;
  status: number | null;
  latency_ms: number;
  error: string | null;
  /** The X-Mintbot-Signature header sent: it carries that attempt's wall time. */
  signature: string;
}

export type NewAttempt = Omit<AttemptRow, 'id' | 'delivery_id'>;

export interface AttemptOutcome {
  state: DeliveryState;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: number | null;
}

/** The webhook queue. It lives in SQLite so a restart loses nothing and resumes retries. */
export class DeliveryStore {
  private readonly insertStmt;
  private readonly dueStmt;
  private readonly nextDueStmt;
  private readonly recordStmt;
  private readonly insertAttemptStmt;
  private readonly latestStmt;
  private readonly byIdStmt;
  private readonly byEventStmt;
  private readonly attemptsStmt;
  private readonly record;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare<NewDelivery, never>(`
      INSERT INTO deliveries (event_id, event_type, order_id, url, payload, state, next_attempt_at, created_at)
      VALUES (@event_id, @event_type, @order_id, @url, @payload, 'pending', @next_attempt_at, @created_at)`);
    // Fair across receivers: every URL's earliest due rows come first (rank 1 of each URL, then
    // rank 2…), so one URL with a thousand due deliveries cannot hide another URL's one.
    this.dueStmt = db.prepare<[number, number], DeliveryRow>(`
      SELECT * FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY url ORDER BY next_attempt_at, id) AS url_rank
        FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ?
      ) WHERE url_rank <= ? ORDER BY url_rank, next_attempt_at, id`);
    this.nextDueStmt = db.prepare<[number], { at: number | null }>(
      "SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE state = 'pending' AND next_attempt_at > ?",
    );
    this.recordStmt = db.prepare<
      { id: number; state: DeliveryState; last_status: number | null; last_error: string | null; next_attempt_at: number | null },
      never
    >(`
      UPDATE deliveries SET attempts = attempts + 1, state = @state, last_status = @last_status,
        last_error = @last_error, next_attempt_at = @next_attempt_at
      WHERE id = @id`);
    // After POST /_stub/reset the delivery may be gone while its attempt was in flight: write nothing then.
    this.insertAttemptStmt = db.prepare<Omit<AttemptRow, 'id'>, never>(`
      INSERT INTO delivery_attempts (delivery_id, attempted_at, status, latency_ms, error, signature)
      SELECT @delivery_id, @attempted_at, @status, @latency_ms, @error, @signature
      WHERE EXISTS (SELECT 1 FROM deliveries WHERE id = @delivery_id)`);
    this.latestStmt = db.prepare<[number], DeliveryRow>('SELECT * FROM deliveries ORDER BY id DESC LIMIT ?');
    this.byIdStmt = db.prepare<[number], DeliveryRow>('SELECT * FROM deliveries WHERE id = ?');
    this.byEventStmt = db.prepare<[string], DeliveryRow>('SELECT * FROM deliveries WHERE event_id = ? ORDER BY id DESC LIMIT 1');
    this.attemptsStmt = db.prepare<[number], AttemptRow>('SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id');
    this.record = db.transaction((id: number, outcome: AttemptOutcome, attempt: NewAttempt) => {
      this.insertAttemptStmt.run({ delivery_id: id, ...attempt });
      this.recordStmt.run({
        id,
        state: outcome.state,
        last_status: outcome.lastStatus,
        last_error: outcome.lastError,
        next_attempt_at: outcome.nextAttemptAt,
      });
    });
  }

  enqueue(delivery: NewDelivery): number {
    return Number(this.insertStmt.run(delivery).lastInsertRowid);
  }

  /** Pending deliveries due at `now`, at most `perUrl` per receiver URL, fairest first. */
  due(now: number, perUrl: number): DeliveryRow[] {
    return this.dueStmt.all(now, perUrl);
  }

  /** The earliest due time after `now` (those due already are being sent or wait for a free slot). */
  nextDueAfter(now: number): number | null {
    return this.nextDueStmt.get(now)!.at;
  }

  /** Stores one attempt and the delivery's new state together. */
  recordAttempt(id: number, outcome: AttemptOutcome, attempt: NewAttempt): void {
    this.record(id, outcome, attempt);
  }

  latest(limit: number): DeliveryRow[] {
    return this.latestStmt.all(limit);
  }

  byId(id: number): DeliveryRow | undefined {
    return this.byIdStmt.get(id);
  }

  /** The newest delivery of an event (a resend makes a second one with the same event id). */
  byEventId(eventId: string): DeliveryRow | undefined {
    return this.byEventStmt.get(eventId);
  }

  attempts(deliveryId: number): AttemptRow[] {
    return this.attemptsStmt.all(deliveryId);
  }

  /** Delivery ids keep growing across a reset, so an attempt still in flight cannot land on a new row. */
  clear(): void {
    this.db.exec('DELETE FROM delivery_attempts; DELETE FROM deliveries;');
  }
}
