import type { Db } from '../../lib/sqlite.js';

export interface RevenueRow {
  id: number;
  order_id: number;
  kind: string;
  gross_cents: number;
  partner_cut_cents: number;
  mintbot_cut_cents: number;
  created_at: number;
  payout_id: string | null;
  payout_at: number | null;
}

export interface RevenueTotals {
  gross_cents: number;
  partner_cut_cents: number;
  mintbot_cut_cents: number;
  unpaid_cents: number;
}

export class RevenueStore {
  private readonly insertStmt;
  private readonly latestStmt;
  private readonly latestUnpaidStmt;
  private readonly totalsStmt;
  private readonly payoutStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare<Omit<RevenueRow, 'id' | 'payout_id' | 'payout_at'>, never>(`
      INSERT INTO revenue_events (order_id, kind, gross_cents, partner_cut_cents, mintbot_cut_cents, created_at)
      VALUES (@order_id, @kind, @gross_cents, @partner_cut_cents, @mintbot_cut_cents, @created_at)`);
    this.latestStmt = db.prepare<[number], RevenueRow>('SELECT * FROM revenue_events ORDER BY id DESC LIMIT ?');
    this.latestUnpaidStmt = db.prepare<[number], RevenueRow>(
      'SELECT * FROM revenue_events WHERE payout_id IS NULL ORDER BY id DESC LIMIT ?',
    );
    this.totalsStmt = db.prepare<[], RevenueTotals>(`
      SELECT COALESCE(SUM(gross_cents), 0) AS gross_cents,
             COALESCE(SUM(partner_cut_cents), 0) AS partner_cut_cents,
             COALESCE(SUM(mintbot_cut_cents), 0) AS mintbot_cut_cents,
             COALESCE(SUM(CASE WHEN payout_id IS NULL THEN partner_cut_cents END), 0) AS unpaid_cents
      FROM revenue_events`);
    this.payoutStmt = db.prepare<[string, number], never>(
      'UPDATE revenue_events SET payout_id = ?, payout_at = ? WHERE payout_id IS NULL',
    );
  }

  recordOrderPaid(orderId: number, grossCents: number, partnerCutCents: number, at: number): void {
    this.insertStmt.run({
      order_id: orderId,
      kind: 'order_paid',
      gross_cents: grossCents,
      partner_cut_cents: partnerCutCents,
      mintbot_cut_cents: grossCents - partnerCutCents,
      created_at: at,
    });
  }

  latest(limit: number, includePaid: boolean): RevenueRow[] {
    return includePaid ? this.latestStmt.all(limit) : this.latestUnpaidStmt.all(limit);
  }

  totals(): RevenueTotals {
    return this.totalsStmt.get()!;
  }

  /** Marks every unpaid event paid under one payout; returns how many it covered. */
  payOut(payoutId: string, at: number): number {
    return this.payoutStmt.run(payoutId, at).changes;
  }

  clear(): void {
    this.db.exec("DELETE FROM revenue_events; DELETE FROM sqlite_sequence WHERE name = 'revenue_events';");
  }
}
