import { EventEmitter } from 'node:events';
import type { Db } from '../store/db.js';
import type { Inquiry, PartnerType } from './inquiry.js';

/** An inquiry as stored in `inquiries` (times in ms since the epoch). */
export interface StoredInquiry extends Inquiry {
  id: number;
  fastTrack: boolean;
  clientIp: string | null;
  createdAt: number;
}

export type OutboxState = 'pending' | 'delivered' | 'failed';

export interface OutboxRow {
  inquiryId: number;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  deliveredAt: number | null;
}

/** A row of `inquiries` as SQLite returns it. */
export interface InquiryRow {
  id: number;
  name: string;
  email: string;
  company: string | null;
  website: string | null;
  type: string;
  message: string;
  fast_track: number;
  client_ip: string | null;
  created_at: number;
  handled_at: number | null;
  handled_by: string | null;
}

/** A row of `inquiry_outbox` as SQLite returns it. */
export interface OutboxDbRow {
  inquiry_id: number;
  state: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  delivered_at: number | null;
}

const fromRow = (r: InquiryRow): StoredInquiry => ({
  id: r.id,
  name: r.name,
  email: r.email,
  company: r.company,
  website: r.website,
  type: r.type as PartnerType,
  message: r.message,
  fastTrack: r.fast_track === 1,
  clientIp: r.client_ip,
  createdAt: r.created_at,
});

const outboxFromRow = (r: OutboxDbRow): OutboxRow => ({
  inquiryId: r.inquiry_id,
  state: r.state as OutboxState,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
});

const stores = new WeakMap<Db, InquiryStore>();

/**
 * The `inquiries` table and its `inquiry_outbox`. One instance per database (see `for`), so the
 * route that stores an inquiry and the worker that delivers it share the statements (prepared
 * once) and the "stored" signal that wakes the worker.
 *
 * Emits `stored` (inquiry id) after a commit that queued a notification.
 */
export class InquiryStore extends EventEmitter<{ stored: [number] }> {
  static for(db: Db): InquiryStore {
    let store = stores.get(db);
    if (!store) {
      store = new InquiryStore(db);
      stores.set(db, store);
    }
    return store;
  }

  private readonly insertInquiry;
  private readonly insertOutbox;
  private readonly selectInquiry;
  private readonly selectOutbox;
  private readonly selectDue;
  private readonly selectNextDue;
  private readonly updateDelivered;
  private readonly updateFailedAttempt;
  private readonly updateHandled;
  private readonly saveTx;

  private constructor(db: Db) {
    super();
    this.insertInquiry = db.prepare<[string, string, string | null, string | null, string, string, number, string | null, number]>(
      `INSERT INTO inquiries (name, email, company, website, type, message, fast_track, client_ip, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertOutbox = db.prepare<[number | bigint, number]>(
      "INSERT INTO inquiry_outbox (inquiry_id, state, attempts, next_attempt_at) VALUES (?, 'pending', 0, ?)",
    );
    this.selectInquiry = db.prepare<[number], InquiryRow>('SELECT * FROM inquiries WHERE id = ?');
    this.selectOutbox = db.prepare<[number], OutboxDbRow>('SELECT * FROM inquiry_outbox WHERE inquiry_id = ?');
    this.selectDue = db.prepare<[number, number], InquiryRow & { attempts: number }>(
      `SELECT i.*, o.attempts FROM inquiry_outbox o JOIN inquiries i ON i.id = o.inquiry_id
       WHERE o.state = 'pending' AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.inquiry_id LIMIT ?`,
    );
    this.selectNextDue = db.prepare<[], { next: number | null }>(
      "SELECT MIN(next_attempt_at) AS next FROM inquiry_outbox WHERE state = 'pending'",
    );
    this.updateDelivered = db.prepare<[number, number]>(
      "UPDATE inquiry_outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = ? WHERE inquiry_id = ? AND state = 'pending'",
    );
    this.updateFailedAttempt = db.prepare<[string, number, string, number]>(
      "UPDATE inquiry_outbox SET attempts = attempts + 1, state = ?, next_attempt_at = ?, last_error = ? WHERE inquiry_id = ? AND state = 'pending'",
    );
    this.updateHandled = db.prepare<[number | null, string | null, number]>('UPDATE inquiries SET handled_at = ?, handled_by = ? WHERE id = ?');
    this.saveTx = db.transaction((inquiry: Omit<StoredInquiry, 'id'>, notify: boolean): number => {
      const { lastInsertRowid } = this.insertInquiry.run(
        inquiry.name,
        inquiry.email,
        inquiry.company,
        inquiry.website,
        inquiry.type,
        inquiry.message,
        inquiry.fastTrack ? 1 : 0,
        inquiry.clientIp,
        inquiry.createdAt,
      );
      if (notify) this.insertOutbox.run(lastInsertRowid, inquiry.createdAt);
      return Number(lastInsertRowid);
    });
  }

  /**
   * Stores the inquiry and, when someone is to be notified, its outbox row, in one transaction:
   * both or neither. Throws when the database refuses (the caller answers 500).
   */
  save(inquiry: Omit<StoredInquiry, 'id'>, notify: boolean): number {
    const id = this.saveTx(inquiry, notify);
    if (notify) this.emit('stored', id);
    return id;
  }

  get(id: number): StoredInquiry | undefined {
    const row = this.selectInquiry.get(id);
    return row ? fromRow(row) : undefined;
  }

  outbox(id: number): OutboxRow | undefined {
    const row = this.selectOutbox.get(id);
    return row ? outboxFromRow(row) : undefined;
  }

  /** Pending deliveries whose time has come, oldest first, with their attempt count so far. */
  due(now: number, limit: number): Array<{ inquiry: StoredInquiry; attempts: number }> {
    return this.selectDue.all(now, limit).map((r) => ({ inquiry: fromRow(r), attempts: r.attempts }));
  }

  /** When the earliest pending delivery is due, or undefined when nothing is pending. */
  nextDue(): number | undefined {
    return this.selectNextDue.get()?.next ?? undefined;
  }

  markDelivered(id: number, now: number): void {
    this.updateDelivered.run(now, id);
  }

  /** An admin marks an inquiry handled (or open again). Returns whether the inquiry exists. */
  markHandled(id: number, handled: { at: number; by: string } | null): boolean {
    return this.updateHandled.run(handled?.at ?? null, handled?.by ?? null, id).changes === 1;
  }

  /** Records a failed attempt: retried at `nextAttemptAt`, or given up on when that is undefined. */
  markAttemptFailed(id: number, error: string, nextAttemptAt: number | undefined, now: number): void {
    this.updateFailedAttempt.run(nextAttemptAt === undefined ? 'failed' : 'pending', nextAttemptAt ?? now, error.slice(0, 500), id);
  }
}
