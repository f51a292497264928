import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';

/**
 * The one place that loads better-sqlite3 (docs/decisions/0015-sqlite-driver-per-node.md).
 * better-sqlite3 12 aborts Node 24 processes when V8 collects a statement outside a Node
 * environment; 13 (Node-API, installed as `better-sqlite3-napi`) does not, but needs Node 22+.
 * So Node 22+ gets 13, Node 20 gets 12. Both have the same JavaScript API; types come from
 * @types/better-sqlite3.
 */
export const SQLITE_DRIVER_PACKAGE = Number(process.versions.node.split('.')[0]) >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3';

const require = createRequire(import.meta.url);

/** The chosen driver's entry file, for a worker thread or child process that must load the same driver. */
export const SQLITE_DRIVER_PATH: string = resolveDriver();

function resolveDriver(): string {
  try {
    return require.resolve(SQLITE_DRIVER_PACKAGE);
  } catch (err) {
    // 12 is an optional dependency (Node 24 installs must not fail on building it), so on Node 20
    // a failed native build shows up here rather than at npm install.
    throw new Error(
      `${SQLITE_DRIVER_PACKAGE} is not installed. On Node ${process.versions.node} the app needs it; its native build needs a C++ toolchain (python3, make, g++) when no prebuilt binary downloads. Install one and run npm install again, or use Node 22+.`,
      { cause: err },
    );
  }
}

const Database = require(SQLITE_DRIVER_PATH) as typeof BetterSqlite3;

export default Database;
