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

/** The webhook queue. It lives in SQLite so a restart loses nothing and resumes retries. */
export class DeliveryStore {
  private readonly insertStmt;
  private readonly dueStmt;
  private readonly nextDueStmt;
  private readonly recordStmt;
  private readonly latestStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare<NewDelivery, never>(`
      INSERT INTO deliveries (event_id, event_type, order_id, url, payload, state, next_attempt_at, created_at)
      VALUES (@event_id, @event_type, @order_id, @url, @payload, 'pending', @next_attempt_at, @created_at)`);
    this.dueStmt = db.prepare<[number, number], DeliveryRow>(
      "SELECT * FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
    );
    this.nextDueStmt = db.prepare<[], { at: number | null }>(
      "SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE state = 'pending'",
    );
    this.recordStmt = db.prepare<
      { id: number; state: DeliveryState; last_status: number | null; last_error: string | null; next_attempt_at: number | null },
      never
    >(`
      UPDATE deliveries SET attempts = attempts + 1, state = @state, last_status = @last_status,
        last_error = @last_error, next_attempt_at = @next_attempt_at
      WHERE id = @id`);
    this.latestStmt = db.prepare<[number], DeliveryRow>('SELECT * FROM deliveries ORDER BY id DESC LIMIT ?');
  }

  enqueue(delivery: NewDelivery): void {
    this.insertStmt.run(delivery);
  }

  due(now: number, limit: number): DeliveryRow[] {
    return this.dueStmt.all(now, limit);
  }

  nextDueAt(): number | null {
    return this.nextDueStmt.get()!.at;
  }

  recordAttempt(
    id: number,
    outcome: { state: DeliveryState; lastStatus: number | null; lastError: string | null; nextAttemptAt: number | null },
  ): void {
    this.recordStmt.run({
      id,
      state: outcome.state,
      last_status: outcome.lastStatus,
      last_error: outcome.lastError,
      next_attempt_at: outcome.nextAttemptAt,
    });
  }

  latest(limit: number): DeliveryRow[] {
    return this.latestStmt.all(limit);
  }
}
