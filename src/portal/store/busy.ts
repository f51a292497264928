import { isBusy } from '../../lib/sqlite.js';

/**
 * Whether a store failed only because another connection holds the database's lock (SQLite's
 * busy_timeout ran out). Nothing was written; trying again shortly is right. Feature code asks
 * this instead of knowing any database's error codes; a PostgreSQL store adds its own here.
 */
export function isStoreBusy(error: unknown): boolean {
  return isBusy(error);
}
