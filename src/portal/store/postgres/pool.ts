import pg from 'pg';
import type { Logger } from '../../../lib/logger.js';

export interface PostgresOptions {
  url: string;
  /** Connections per process (DATABASE_POOL_SIZE). */
  poolSize: number;
  /** Any statement running longer is cancelled by the server (DATABASE_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs: number;
}

// Times are milliseconds since the epoch in BIGINT columns, and ids are BIGINT: all far below
// 2^53, so they come back as numbers, as they do from SQLite (pg's default is a string).
const BIGINT_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === BIGINT_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * A pool on DATABASE_URL. TLS follows the URL's `sslmode` (pg reads it: `disable`, `require`,
 * `verify-full`, with `sslrootcert` for a private CA).
 */
export function openPool(options: PostgresOptions, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    statement_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'partner-storefront-portal',
    types,
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process:
  // the pool discards it and the next query opens a new one.
  pool.on('error', (err) => logger.warn({ err }, 'database: an idle connection failed; the pool replaces it'));
  return pool;
}
