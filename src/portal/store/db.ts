import { openDatabase, type Db } from '../../lib/sqlite.js';
import { ConfigError } from '../config.js';
import { PORTAL_MIGRATIONS } from './migrations.js';

export type { Db };

/**
 * How long one write waits for another connection's lock, blocking the event loop meanwhile.
 * Kept short: the webhook receiver waits longer by retrying from timers (see handler.ts), and
 * other writes answer 503 so a lock held by another process never freezes every route.
 */
export const PORTAL_BUSY_TIMEOUT_MS = 20;

/** Opens the portal's database; a file that cannot be opened is a DB_PATH problem, said so. */
export function openPortalDb(path: string): Db {
  try {
    return openDatabase(path, PORTAL_MIGRATIONS, { busyTimeoutMs: PORTAL_BUSY_TIMEOUT_MS });
  } catch (error) {
    const reason = (error as Error).message;
    throw new ConfigError(`DB_PATH: cannot open the database at ${path} (${reason}); check that the folder exists and is writable and that the file is a SQLite database`);
  }
}
