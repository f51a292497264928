import type { MetricsReads } from '../../metrics/metrics.js';
import type { Db } from '../db.js';

export class SqliteMetricsReads implements MetricsReads {
  private readonly byStatus;
  private readonly pending;

  constructor(db: Db) {
    this.byStatus = db.prepare<[], { status: string; count: number }>('SELECT status, COUNT(*) AS count FROM orders GROUP BY status');
    this.pending = db.prepare<[], { count: number }>("SELECT COUNT(*) AS count FROM inquiry_outbox WHERE state = 'pending'");
  }

  async ordersByStatus(): Promise<Array<{ status: string; count: number }>> {
    return this.byStatus.all();
  }

  async outboxDepth(): Promise<number> {
    return this.pending.get()?.count ?? 0;
  }
}
