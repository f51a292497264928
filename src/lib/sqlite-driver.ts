import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';

/**
 * The one place that loads better-sqlite3 (docs/decisions/0011-sqlite-driver-per-node.md).
 * better-sqlite3 12 aborts Node 24 processes when V8 collects a statement outside a Node
 * environment; 13 (Node-API, installed as `better-sqlite3-napi`) does not, but needs Node 22+.
 * So Node 22+ gets 13, Node 20 gets 12. Both have the same JavaScript API; types come from
 * @types/better-sqlite3.
 */
export const SQLITE_DRIVER_PACKAGE = Number(process.versions.node.split('.')[0]) >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3';

const require = createRequire(import.meta.url);

/** The chosen driver's entry file, for a worker thread or child process that must load the same driver. */
export const SQLITE_DRIVER_PATH: string = require.resolve(SQLITE_DRIVER_PACKAGE);

const Database = require(SQLITE_DRIVER_PATH) as typeof BetterSqlite3;

export default Database;
