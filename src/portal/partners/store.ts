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

/** A row of `inquiries` as the database returns it. */
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

/** A row of `inquiry_outbox` as the database returns it. */
export interface OutboxDbRow {
  inquiry_id: number;
  state: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  delivered_at: number | null;
}

export const inquiryFromRow = (r: InquiryRow): StoredInquiry => ({
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

export const outboxFromRow = (r: OutboxDbRow): OutboxRow => ({
  inquiryId: r.inquiry_id,
  state: r.state as OutboxState,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
});

/**
 * The `inquiries` table and its `inquiry_outbox`, shared by the route that stores an inquiry and
 * the worker that delivers it (one instance, built in createPortal). The SQLite implementation is
 * src/portal/store/sqlite/inquiries.ts.
 */
export interface InquiryStore {
  /**
   * Stores the inquiry and, when someone is to be notified, its outbox row, in one transaction:
   * both or neither. Rejects when the database refuses (the caller answers 500).
   */
  save(inquiry: Omit<StoredInquiry, 'id'>, notify: boolean): Promise<number>;
  get(id: number): Promise<StoredInquiry | undefined>;
  /** An admin marks an inquiry handled (or open again, with null). Resolves whether it exists. */
  markHandled(id: number, handled: { at: number; by: string } | null): Promise<boolean>;
  outbox(id: number): Promise<OutboxRow | undefined>;
  /** Pending deliveries whose time has come, oldest first, with their attempt count so far. */
  due(now: number, limit: number): Promise<Array<{ inquiry: StoredInquiry; attempts: number }>>;
  /** When the earliest pending delivery is due, or undefined when nothing is pending. */
  nextDue(): Promise<number | undefined>;
  markDelivered(id: number, now: number): Promise<void>;
  /** Records a failed attempt: retried at `nextAttemptAt`, or given up on when that is undefined. */
  markAttemptFailed(id: number, error: string, nextAttemptAt: number | undefined, now: number): Promise<void>;
  /** Calls `listener` after each commit that queued a notification; returns the unsubscribe. */
  onStored(listener: (inquiryId: number) => void): () => void;
}
