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

/**
 * SQLite page cache of the portal's connection, in KiB. better-sqlite3 compiles SQLite with a
 * 16 MB default, which a webhook flood fills; 12 MB keeps ingest throughput (8 MB and 4 MB cost
 * it a fifth or more) and is part of what keeps peak RSS under 120 MB (bench/RESULTS.md → Memory).
 */
const PAGE_CACHE_KIB = 12_000;

/** Opens the portal's database; a file that cannot be opened is a DB_PATH problem, said so. */
export function openPortalDb(path: string): Db {
  let db: Db;
  try {
    db = openDatabase(path, PORTAL_MIGRATIONS, { busyTimeoutMs: PORTAL_BUSY_TIMEOUT_MS });
  } catch (error) {
    const reason = (error as Error).message;
    throw new ConfigError(`DB_PATH: cannot open the database at ${path} (${reason}); check that the folder exists and is writable and that the file is a SQLite database`);
  }
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  return db;
}
