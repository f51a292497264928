import type { MetricsReads } from '../metrics/metrics.js';
import type { Sql } from './sql.js';

/** What GET /metrics reads, on either database. */
export class SqlMetricsReads implements MetricsReads {
  constructor(private readonly sql: Sql) {}

  ordersByStatus(): Promise<Array<{ status: string; count: number }>> {
    return this.sql.all('SELECT status, COUNT(*) AS count FROM orders GROUP BY status');
  }

  async outboxDepth(): Promise<number> {
    return (await this.sql.get<{ count: number }>("SELECT COUNT(*) AS count FROM inquiry_outbox WHERE state = 'pending'"))?.count ?? 0;
  }
}
