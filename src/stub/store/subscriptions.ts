import type { Db } from '../../lib/sqlite.js';
import type { SubscriptionStatus } from '../../contract/index.js';

export interface SubscriptionRow {
  id: number;
  tier: string;
  /** The monthly charge. */
  amount_cents: number;
  status: SubscriptionStatus;
  /** The order of the first payment: its agent is the one the subscription keeps running. */
  order_id: number;
  customer_email: string | null;
  product_name: string | null;
  language: string | null;
  external_id: string | null;
  /** Paid with the test card whose later charges fail. */
  fails_later: 0 | 1;
  renewals: number;
  cancelled_at: number | null;
  created_at: number;
}

export type NewSubscription = Pick<
  SubscriptionRow,
  'tier' | 'amount_cents' | 'order_id' | 'customer_email' | 'product_name' | 'language' | 'external_id' | 'created_at'
>;

/** Monthly subscriptions (beyond the spec). The one writer of the subscriptions table. */
export class SubscriptionStore {
  private readonly insertStmt;
  private readonly byIdStmt;
  private readonly activateStmt;
  private readonly setStatusStmt;
  private readonly cancelStmt;
  private readonly renewedStmt;
  private readonly dueStmt;
  private readonly clearStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare<NewSubscription, never>(`
      INSERT INTO subscriptions (tier, amount_cents, status, order_id, customer_email, product_name, language, external_id, created_at)
      VALUES (@tier, @amount_cents, 'pending', @order_id, @customer_email, @product_name, @language, @external_id, @created_at)`);
    this.byIdStmt = db.prepare<[number], SubscriptionRow>('SELECT * FROM subscriptions WHERE id = ?');
    this.activateStmt = db.prepare<[number, number], never>("UPDATE subscriptions SET status = 'active', fails_later = ? WHERE id = ?");
    this.setStatusStmt = db.prepare<[string, number], never>('UPDATE subscriptions SET status = ? WHERE id = ?');
    this.cancelStmt = db.prepare<[number, number], never>("UPDATE subscriptions SET status = 'cancelled', cancelled_at = ? WHERE id = ?");
    this.renewedStmt = db.prepare<[number], never>('UPDATE subscriptions SET renewals = renewals + 1 WHERE id = ?');
    // A renewal falls due when the paid period (the agent's expires_at) ends.
    this.dueStmt = db.prepare<[number], SubscriptionRow & { expires_at: number }>(`
      SELECT subscriptions.*, orders.expires_at FROM subscriptions JOIN orders ON orders.id = subscriptions.order_id
      WHERE subscriptions.status = 'active' AND orders.status = 'deployed' AND orders.expires_at <= ?
      ORDER BY orders.expires_at, subscriptions.id`);
    this.clearStmt = db.prepare('DELETE FROM subscriptions');
  }

  /** For the stub's reset: every subscription goes with the orders. */
  clear(): void {
    this.clearStmt.run();
  }

  insert(subscription: NewSubscription): number {
    return Number(this.insertStmt.run(subscription).lastInsertRowid);
  }

  byId(id: number): SubscriptionRow | undefined {
    return this.byIdStmt.get(id);
  }

  activate(id: number, failsLater: boolean): void {
    this.activateStmt.run(failsLater ? 1 : 0, id);
  }

  setStatus(id: number, status: SubscriptionStatus): void {
    this.setStatusStmt.run(status, id);
  }

  cancel(id: number, at: number): void {
    this.cancelStmt.run(at, id);
  }

  countRenewal(id: number): void {
    this.renewedStmt.run(id);
  }

  /** Active subscriptions whose paid period has ended by `now`, with that end. */
  renewalsDue(now: number): Array<SubscriptionRow & { expires_at: number }> {
    return this.dueStmt.all(now);
  }
}
