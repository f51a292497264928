import type { Db } from '../../lib/sqlite.js';
import type { OrderStatus, SubscriptionStatus } from '../../contract/index.js';

export interface OrderRow {
  id: number;
  /** A package the catalog lists (the spec's trial, s1, s2, s4 by default). */
  tier: string;
  duration_months: number;
  credit_usd: number;
  amount_cents: number;
  status: OrderStatus;
  session_id: string;
  language: string | null;
  external_id: string | null;
  success_url: string;
  cancel_url: string;
  webhook_url: string | null;
  /** Set on a renewal: the order whose agent paying this one extends. */
  renews_order_id: number | null;
  deploy_will_fail: 0 | 1;
  panel_url: string | null;
  expires_at: number | null;
  created_at: number;
  paid_at: number | null;
  /** Beyond the spec: the checkout's line-item title and the customer's email, when given. */
  product_name: string | null;
  customer_email: string | null;
  /** Set on a subscription's orders (its first payment and each monthly renewal). */
  subscription_id: number | null;
  /** The subscription's status (from orders_view), or null. */
  subscription_status: SubscriptionStatus | null;
}

export type NewOrder = Pick<
  OrderRow,
  | 'tier'
  | 'duration_months'
  | 'credit_usd'
  | 'amount_cents'
  | 'session_id'
  | 'language'
  | 'external_id'
  | 'success_url'
  | 'cancel_url'
  | 'webhook_url'
  | 'renews_order_id'
  | 'created_at'
  | 'product_name'
  | 'customer_email'
>;

/** How long a checkout session waits for payment before the order expires. */
export const CHECKOUT_TTL_MS = 24 * 3600 * 1000;

export class OrderStore {
  private readonly insertStmt;
  private readonly setSubscriptionStmt;
  private readonly byIdStmt;
  private readonly bySessionStmt;
  private readonly listStmt;
  private readonly listByStatusStmt;
  private readonly markPaidStmt;
  private readonly markDeployedStmt;
  private readonly setStatusStmt;
  private readonly deploysUsedStmt;
  private readonly expiredCheckoutsStmt;
  private readonly dueDeploysStmt;
  private readonly expiredAgentsStmt;
  private readonly nextDueStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare<NewOrder, never>(`
      INSERT INTO orders (tier, duration_months, credit_usd, amount_cents, status, session_id, language,
        external_id, success_url, cancel_url, webhook_url, renews_order_id, created_at, product_name, customer_email)
      VALUES (@tier, @duration_months, @credit_usd, @amount_cents, 'awaiting_payment', @session_id, @language,
        @external_id, @success_url, @cancel_url, @webhook_url, @renews_order_id, @created_at, @product_name, @customer_email)`);
    this.setSubscriptionStmt = db.prepare<[number, number], never>('UPDATE orders SET subscription_id = ? WHERE id = ?');
    this.byIdStmt = db.prepare<[number], OrderRow>('SELECT * FROM orders_view WHERE id = ?');
    this.bySessionStmt = db.prepare<[string], OrderRow>('SELECT * FROM orders_view WHERE session_id = ?');
    this.listStmt = db.prepare<[number, number], OrderRow>('SELECT * FROM orders_view WHERE id < ? ORDER BY id DESC LIMIT ?');
    this.listByStatusStmt = db.prepare<[string, number, number], OrderRow>(
      'SELECT * FROM orders_view WHERE status = ? AND id < ? ORDER BY id DESC LIMIT ?',
    );
    this.markPaidStmt = db.prepare<[number, number, number], never>(
      "UPDATE orders SET status = 'completed', paid_at = ?, deploy_will_fail = ? WHERE id = ?",
    );
    this.markDeployedStmt = db.prepare<[string, number, number], never>(
      "UPDATE orders SET status = 'deployed', panel_url = ?, expires_at = ? WHERE id = ?",
    );
    this.setStatusStmt = db.prepare<[string, number], never>('UPDATE orders SET status = ? WHERE id = ?');
    // A slot is held by every agent that exists or may come to exist: a new order awaiting payment
    // or paid (deploying or deployed), and a renewal awaiting payment that would revive an expired
    // agent. Renewing a live agent needs no new slot; failed, cancelled and expired orders free theirs.
    this.deploysUsedStmt = db.prepare<[], { used: number }>(`
      SELECT
        (SELECT COUNT(*) FROM orders
          WHERE status IN ('awaiting_payment', 'completed', 'deployed') AND renews_order_id IS NULL)
      + (SELECT COUNT(*) FROM orders renewal JOIN orders original ON original.id = renewal.renews_order_id
          WHERE renewal.status = 'awaiting_payment' AND renewal.renews_order_id IS NOT NULL AND original.status = 'expired')
      AS used`);
    this.expiredCheckoutsStmt = db.prepare<[number], OrderRow>(
      "SELECT * FROM orders_view WHERE status = 'awaiting_payment' AND created_at <= ? ORDER BY id",
    );
    this.dueDeploysStmt = db.prepare<[number], OrderRow>(
      "SELECT * FROM orders_view WHERE status = 'completed' AND renews_order_id IS NULL AND paid_at <= ? ORDER BY id",
    );
    this.expiredAgentsStmt = db.prepare<[number], OrderRow>(
      "SELECT * FROM orders_view WHERE status = 'deployed' AND expires_at <= ? ORDER BY id",
    );
    this.nextDueStmt = db.prepare<[number, number], { at: number | null }>(`
      SELECT MIN(at) AS at FROM (
        SELECT MIN(created_at) + ? AS at FROM orders WHERE status = 'awaiting_payment'
        UNION ALL
        SELECT MIN(paid_at) + ? FROM orders WHERE status = 'completed' AND renews_order_id IS NULL
        UNION ALL
        SELECT MIN(expires_at) FROM orders WHERE status = 'deployed'
      )`);
  }

  insert(order: NewOrder): number {
    return Number(this.insertStmt.run(order).lastInsertRowid);
  }

  /** Links an order to the subscription it pays for. */
  setSubscription(id: number, subscriptionId: number): void {
    this.setSubscriptionStmt.run(subscriptionId, id);
  }

  byId(id: number): OrderRow | undefined {
    return this.byIdStmt.get(id);
  }

  bySession(sessionId: string): OrderRow | undefined {
    return this.bySessionStmt.get(sessionId);
  }

  /** Newest first, ids below `beforeId`; fetches `limit` rows. */
  list(status: OrderStatus | undefined, beforeId: number, limit: number): OrderRow[] {
    return status ? this.listByStatusStmt.all(status, beforeId, limit) : this.listStmt.all(beforeId, limit);
  }

  markPaid(id: number, paidAt: number, deployWillFail: boolean): void {
    this.markPaidStmt.run(paidAt, deployWillFail ? 1 : 0, id);
  }

  /** A finished deploy, or a renewal extending (and possibly reviving) an agent. */
  markDeployed(id: number, panelUrl: string, expiresAt: number): void {
    this.markDeployedStmt.run(panelUrl, expiresAt, id);
  }

  setStatus(id: number, status: OrderStatus): void {
    this.setStatusStmt.run(status, id);
  }

  deploysUsed(): number {
    return this.deploysUsedStmt.get()!.used;
  }

  checkoutsExpiredAt(now: number): OrderRow[] {
    return this.expiredCheckoutsStmt.all(now - CHECKOUT_TTL_MS);
  }

  deploysDueAt(now: number, deployMs: number): OrderRow[] {
    return this.dueDeploysStmt.all(now - deployMs);
  }

  agentsExpiredAt(now: number): OrderRow[] {
    return this.expiredAgentsStmt.all(now);
  }

  /** When the next lifecycle step (checkout expiry, deploy end, agent expiry) falls due. */
  nextDueAt(deployMs: number): number | null {
    return this.nextDueStmt.get(CHECKOUT_TTL_MS, deployMs)!.at;
  }

  /** POST /_stub/reset: no orders, and the next one is 1 again. */
  clear(): void {
    this.db.exec("DELETE FROM orders; DELETE FROM sqlite_sequence WHERE name = 'orders';");
  }
}
