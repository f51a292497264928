import type { Statement } from 'better-sqlite3';
import type { OrderRow } from '../orders/store.js';
import type { Db } from '../store/db.js';

/** Failed deploys stay on the list this long after their last change. */
export const FAILED_DEPLOY_WINDOW_MS = 30 * 86_400_000;
/** A burst: at least BURST_MIN refusals for one reason within one BURST_BUCKET_MS bucket, in the last day. */
export const BURST_MIN = 5;
export const BURST_BUCKET_MS = 10 * 60_000;
const BURST_LOOKBACK_MS = 86_400_000;
const LIST_LIMIT = 50;

export interface RejectedBurst {
  reason: string;
  count: number;
  first: number;
  last: number;
}

/** Everything on the "needs attention" view. Each kind is one field: add a field to add a kind. */
export interface Attention {
  failedDeploys: Array<OrderRow & { key: number }>;
  rejectedBursts: RejectedBurst[];
}

/** How many things need attention (the tab's badge). */
export function attentionCount(a: Attention): number {
  return a.failedDeploys.length + a.rejectedBursts.length;
}

/**
 * The reads behind /admin/attention: what an admin should look at today. Each list is bounded and
 * served by an index (orders by status, rejected deliveries are capped at 1,000 rows).
 */
export class AttentionQueries {
  private readonly failed: Statement<[{ since: number; limit: number }], OrderRow & { key: number }>;
  private readonly bursts: Statement<[{ since: number }], RejectedBurst>;

  constructor(db: Db) {
    this.failed = db.prepare(`SELECT rowid AS key, * FROM orders WHERE status = 'failed' AND updated_at >= @since ORDER BY updated_at DESC LIMIT @limit`);
    // Constants inlined: bound parameters arrive as REAL, and REAL division would not bucket.
    this.bursts = db.prepare(`SELECT reason, count(*) AS count, min(received_at) AS first, max(received_at) AS last
      FROM rejected_deliveries WHERE received_at >= @since
      GROUP BY reason, received_at / ${BURST_BUCKET_MS} HAVING count(*) >= ${BURST_MIN}
      ORDER BY last DESC LIMIT ${LIST_LIMIT}`);
  }

  load(now: number): Attention {
    return {
      failedDeploys: this.failed.all({ since: now - FAILED_DEPLOY_WINDOW_MS, limit: LIST_LIMIT }),
      rejectedBursts: this.bursts.all({ since: now - BURST_LOOKBACK_MS }),
    };
  }
}
