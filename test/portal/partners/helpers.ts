import type { Db } from '../../../src/lib/sqlite.js';
import type { InquiryRow, OutboxDbRow } from '../../../src/portal/partners/store.js';

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

export const inquiryRows = (db: Db) => db.prepare('SELECT * FROM inquiries ORDER BY id').all() as InquiryRow[];
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
