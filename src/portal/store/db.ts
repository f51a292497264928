import { openDatabase, type Db } from '../../lib/sqlite.js';
import { PORTAL_MIGRATIONS } from './migrations.js';

export type { Db };

/**
 * SQLite page cache of the portal's connection, in KiB. better-sqlite3 compiles SQLite with a
 * 16 MB default, which a webhook flood fills; 12 MB keeps ingest throughput (8 MB and 4 MB cost
 * it a fifth or more) and is part of what keeps peak RSS under 120 MB (bench/RESULTS.md → Memory).
 */
const PAGE_CACHE_KIB = 12_000;

export function openPortalDb(path: string): Db {
  const db = openDatabase(path, PORTAL_MIGRATIONS);
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  return db;
}
