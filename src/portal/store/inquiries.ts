import { EventEmitter } from 'node:events';
import { inquiryFromRow, outboxFromRow, type InquiryRow, type InquiryStore, type OutboxDbRow, type OutboxRow, type StoredInquiry } from '../partners/store.js';
import { INQUIRIES } from './queries.js';
import type { Sql } from './sql.js';

/** Stores an inquiry and, with `notify`, its outbox row, in one transaction of the dialect's. */
export type SaveInquiry = (params: ReturnType<typeof inquiryParams>, notify: boolean) => Promise<number>;

export function inquiryParams(inquiry: Omit<StoredInquiry, 'id'>) {
  return {
    name: inquiry.name,
    email: inquiry.email,
    company: inquiry.company,
    website: inquiry.website,
    type: inquiry.type,
    message: inquiry.message,
    fastTrack: inquiry.fastTrack ? 1 : 0,
    clientIp: inquiry.clientIp,
    createdAt: inquiry.createdAt,
  };
}

/**
 * InquiryStore on either database: every method is one statement, except `save`, whose
 * transaction the dialect provides. `stored` is emitted after the commit.
 */
export class SqlInquiryStore implements InquiryStore {
  private readonly events = new EventEmitter<{ stored: [number] }>();
  private readonly claimText: string;

  constructor(
    private readonly sql: Sql,
    private readonly saveTx: SaveInquiry,
    /** What the claim's inner SELECT ends with (PostgreSQL: FOR UPDATE SKIP LOCKED). */
    claimLock = '',
  ) {
    this.claimText = INQUIRIES.claimDue(claimLock);
  }

  async save(inquiry: Omit<StoredInquiry, 'id'>, notify: boolean): Promise<number> {
    const id = await this.saveTx(inquiryParams(inquiry), notify);
    if (notify) this.events.emit('stored', id);
    return id;
  }

  async get(id: number): Promise<StoredInquiry | undefined> {
    const row = await this.sql.get<InquiryRow>(INQUIRIES.byId, { id });
    return row ? inquiryFromRow(row) : undefined;
  }

  async markHandled(id: number, handled: { at: number; by: string } | null): Promise<boolean> {
    return (await this.sql.run(INQUIRIES.markHandled, { id, at: handled?.at ?? null, by: handled?.by ?? null })) === 1;
  }

  async outbox(id: number): Promise<OutboxRow | undefined> {
    const row = await this.sql.get<OutboxDbRow>(INQUIRIES.outbox, { id });
    return row ? outboxFromRow(row) : undefined;
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<Array<{ inquiry: StoredInquiry; attempts: number }>> {
    const claimed = await this.sql.all<{ inquiry_id: number; attempts: number; next_attempt_at: number }>(this.claimText, { now, limit, leaseUntil: now + leaseMs });
    claimed.sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.inquiry_id - b.inquiry_id);
    const out: Array<{ inquiry: StoredInquiry; attempts: number }> = [];
    for (const c of claimed) {
      const inquiry = await this.get(c.inquiry_id);
      if (inquiry) out.push({ inquiry, attempts: c.attempts });
    }
    return out;
  }

  async nextDue(): Promise<number | undefined> {
    return (await this.sql.get<{ next: number | null }>(INQUIRIES.nextDue))?.next ?? undefined;
  }

  async markDelivered(id: number, now: number): Promise<void> {
    await this.sql.run(INQUIRIES.markDelivered, { id, now });
  }

  async releaseClaim(id: number): Promise<void> {
    await this.sql.run(INQUIRIES.releaseClaim, { id });
  }

  async markAttemptFailed(id: number, error: string, nextAttemptAt: number | undefined, now: number): Promise<void> {
    await this.sql.run(INQUIRIES.markAttemptFailed, { id, state: nextAttemptAt === undefined ? 'failed' : 'pending', next: nextAttemptAt ?? now, error: error.slice(0, 500) });
  }

  onStored(listener: (inquiryId: number) => void): () => void {
    this.events.on('stored', listener);
    return () => this.events.off('stored', listener);
  }
}
