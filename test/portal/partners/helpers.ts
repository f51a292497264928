import type { Portal } from '../../../src/portal/index.js';
import type { InquiryRow, OutboxDbRow } from '../../../src/portal/partners/store.js';
import { rows } from '../../support/database.js';

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

type WithDb = Pick<Portal, 'database'>;
export const inquiryRows = (portal: WithDb) => rows<InquiryRow>(portal, 'SELECT * FROM inquiries ORDER BY id');
export const outboxRows = (portal: WithDb) =>
  rows<OutboxDbRow>(portal, 'SELECT inquiry_id, state, attempts, next_attempt_at, last_error, delivered_at FROM inquiry_outbox ORDER BY inquiry_id');

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
