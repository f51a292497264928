import type { Db } from '../../../src/lib/sqlite.js';

export const VALID = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  message: 'We run a hosting company and would like to resell your agents.',
} as const;

export const FAST_TRACK_BODY = {
  success: true,
  fastTrack: true,
  message: 'Fast track enabled - we will respond within 24 hours',
} as const;

export const STANDARD_BODY = {
  success: true,
  fastTrack: false,
  message: 'We will be in touch soon',
} as const;

export interface InquiryDbRow {
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
}

export interface OutboxDbRow {
  inquiry_id: number;
  state: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  delivered_at: number | null;
}

export const inquiryRows = (db: Db) => db.prepare('SELECT * FROM inquiries ORDER BY id').all() as InquiryDbRow[];
export const outboxRows = (db: Db) => db.prepare('SELECT * FROM inquiry_outbox ORDER BY inquiry_id').all() as OutboxDbRow[];

/** A clock tests move by hand. */
export function manualClock(start: number) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}
