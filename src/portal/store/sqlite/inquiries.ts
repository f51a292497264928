import { EventEmitter } from 'node:events';
import { inquiryFromRow, outboxFromRow, type InquiryRow, type InquiryStore, type OutboxDbRow, type OutboxRow, type StoredInquiry } from '../../partners/store.js';
import type { Db } from '../db.js';

/** InquiryStore on SQLite: statements prepared once; `stored` is emitted after the commit. */
export class SqliteInquiryStore implements InquiryStore {
  private readonly events = new EventEmitter<{ stored: [number] }>();
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

  constructor(db: Db) {
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
  async save(inquiry: Omit<StoredInquiry, 'id'>, notify: boolean): Promise<number> {
    const id = this.saveTx(inquiry, notify);
    if (notify) this.events.emit('stored', id);
    return id;
  }

  async get(id: number): Promise<StoredInquiry | undefined> {
    const row = this.selectInquiry.get(id);
    return row ? inquiryFromRow(row) : undefined;
  }

  async markHandled(id: number, handled: { at: number; by: string } | null): Promise<boolean> {
    return this.updateHandled.run(handled?.at ?? null, handled?.by ?? null, id).changes === 1;
  }

  async outbox(id: number): Promise<OutboxRow | undefined> {
    const row = this.selectOutbox.get(id);
    return row ? outboxFromRow(row) : undefined;
  }

  /** Pending deliveries whose time has come, oldest first, with their attempt count so far. */
  async due(now: number, limit: number): Promise<Array<{ inquiry: StoredInquiry; attempts: number }>> {
    return this.selectDue.all(now, limit).map((r) => ({ inquiry: inquiryFromRow(r), attempts: r.attempts }));
  }

  /** When the earliest pending delivery is due, or undefined when nothing is pending. */
  async nextDue(): Promise<number | undefined> {
    return this.selectNextDue.get()?.next ?? undefined;
  }

  async markDelivered(id: number, now: number): Promise<void> {
    this.updateDelivered.run(now, id);
  }

  /** Records a failed attempt: retried at `nextAttemptAt`, or given up on when that is undefined. */
  async markAttemptFailed(id: number, error: string, nextAttemptAt: number | undefined, now: number): Promise<void> {
    this.updateFailedAttempt.run(nextAttemptAt === undefined ? 'failed' : 'pending', nextAttemptAt ?? now, error.slice(0, 500), id);
  }

  onStored(listener: (inquiryId: number) => void): () => void {
    this.events.on('stored', listener);
    return () => this.events.off('stored', listener);
  }
}
