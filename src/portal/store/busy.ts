import { isBusy } from '../../lib/sqlite.js';

/** PostgreSQL's codes for "another transaction holds what this one needs": lock_not_available, a deadlock, a serialization failure. */
const POSTGRES_BUSY = new Set(['55P03', '40P01', '40001']);

/**
 * Whether a store failed only because another connection holds the database's lock (SQLite's
 * busy_timeout ran out; on PostgreSQL a lock or serialization conflict). Nothing was written;
 * trying again shortly is right. Feature code asks this instead of knowing any database's codes.
 */
export function isStoreBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return isBusy(error) || (typeof code === 'string' && POSTGRES_BUSY.has(code));
}
