import type BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from './sqlite-driver.js';

export type Db = BetterSqlite3.Database;

/**
 * Opens a SQLite database in WAL mode and brings its schema up to date. `migrations[i]` is
 * schema version i + 1; each runs once, in its own transaction, recorded in `user_version`.
 * Never edit a shipped migration: append a new one.
 */
export function openDatabase(path: string, migrations: readonly string[], options: { busyTimeoutMs?: number } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma('foreign_keys = ON');
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`${path}: schema version ${current} is newer than this code (${migrations.length})`);
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return db;
}

/**
 * Whether a SQLite error means "another connection holds the lock, try again later" (busy_timeout
 * ran out) rather than a real failure.
 */
export function isBusy(error: unknown): boolean {
  if (!(error instanceof Database.SqliteError)) return false;
  return error.code === 'SQLITE_BUSY' || error.code.startsWith('SQLITE_BUSY_') || error.code === 'SQLITE_LOCKED';
}
