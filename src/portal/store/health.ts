import type { Sql } from './sql.js';

/**
 * GET /healthz's database check: can the portal serve? A read, never a write, so another process
 * holding the write lock (a backup, a migration) degrades webhooks but does not fail the probe.
 */
export interface HealthProbe {
  /** Resolves true when a read of the database worked; rejects when the database is unusable (closed, unreadable). */
  check(): Promise<boolean>;
}

/**
 * The probe on either database: a read of the schema catalogue. A closed or unreachable database
 * throws; a write lock held elsewhere does not block it (SQLite's WAL readers and PostgreSQL's
 * readers never wait for a writer).
 */
export class SqlHealthProbe implements HealthProbe {
  private readonly text: string;

  constructor(private readonly sql: Sql) {
    this.text =
      sql.dialect === 'postgres'
        ? 'SELECT count(*) AS n FROM pg_catalog.pg_tables WHERE schemaname = current_schema()'
        : 'SELECT count(*) AS n FROM sqlite_schema';
  }

  async check(): Promise<boolean> {
    return ((await this.sql.get<{ n: number }>(this.text))?.n ?? 0) > 0;
  }
}
