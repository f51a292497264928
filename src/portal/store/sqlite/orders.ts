import { formatApiTime, type EventType, type Order, type ReceivedOrderPayload, type Subscription, type SubscriptionStatus } from '../../../contract/index.js';
import { CHECKOUT_WINDOW_MS, newOrderRef, REF_PATTERN, UNPAID_OPEN_STATUSES, type NewOrder, type OrderRow, type OrderStore } from '../../orders/store.js';
import { nextSubscriptionStatus } from '../../orders/subscription.js';
import { apiOrderChange, eventChange, rowForEvent, type EventOrderRow } from '../../orders/writer.js';
import type { Db } from '../db.js';

const EVENT_COLUMNS = 'ref, api_order_id, status, amount_cents, currency, panel_url, expires_at, paid_at, error_step, error_message, last_event_ms';

/**
 * OrderStore on SQLite: the only code that writes the `orders` table. Statements are prepared
 * once; better-sqlite3 is synchronous, so each method does its work at once and returns a settled
 * Promise. `applyEvent` is for the webhook store, inside its transaction.
 */
export class SqliteOrderStore implements OrderStore {
  private readonly byRefStmt;
  private readonly byKeyStmt;
  private readonly insertStmt;
  private readonly retryStmt;
  private readonly createdStmt;
  private readonly failedStmt;
  private readonly pollableStmt;
  private readonly openByClientStmt;
  private readonly applyApiStmt;
  private readonly applyApiTx;
  private readonly eventRowByRef;
  private readonly eventRowByApiId;
  private readonly insertFromEvent;
  private readonly updateFromEvent;
  private readonly subscriptionRow;
  private readonly subscriptionCreatedStmt;
  private readonly subscriptionStatusStmt;
  private readonly applySubscriptionTx;

  constructor(db: Db) {
    this.byRefStmt = db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE ref = ?');
    this.byKeyStmt = db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE idempotency_key = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO orders (ref, idempotency_key, renews_ref, tier, duration_months, credit_usd, language, client_key, status,
         customer_email, subscription_status, created_at, updated_at)
       VALUES (@ref, @idempotencyKey, @renewsRef, @tier, @durationMonths, @creditUsd, @language, @clientKey, 'creating',
         @customerEmail, @subscriptionStatus, @now, @now)
       ON CONFLICT (idempotency_key) DO NOTHING`,
    );
    this.retryStmt = db.prepare("UPDATE orders SET status = 'creating', error_message = NULL, updated_at = ? WHERE ref = ? AND status = 'create_failed'");
    this.createdStmt = db.prepare(
      `UPDATE orders SET api_order_id = @id, checkout_url = @checkoutUrl, amount_cents = @amount, currency = @currency,
         status = CASE WHEN status IN ('creating', 'create_failed') THEN 'awaiting_payment' ELSE status END,
         error_message = CASE WHEN status IN ('creating', 'create_failed') THEN NULL ELSE error_message END,
         updated_at = @now
       WHERE ref = @ref`,
    );
    this.failedStmt = db.prepare("UPDATE orders SET status = 'create_failed', error_message = ?, updated_at = ? WHERE ref = ? AND status = 'creating'");
    this.pollableStmt = db.prepare<[string, number], OrderRow>(
      `SELECT * FROM orders
       WHERE api_order_id IS NOT NULL AND (
         (status IN ('awaiting_payment', 'paid', 'provisioning')
           AND NOT (renews_ref IS NOT NULL AND status = 'paid'))  -- a paid renewal stays "completed" at the API
         -- a subscription at the end of its paid month: renewed (a later expires_at) or not
         OR (subscription_status = 'active' AND status = 'ready' AND expires_at <= ?))
       ORDER BY updated_at LIMIT ?`,
    );
    this.openByClientStmt = db.prepare<[string, number], { n: number }>(
      `SELECT count(*) AS n FROM orders WHERE client_key = ? AND created_at > ? AND status IN ${UNPAID_OPEN_STATUSES}`,
    );
    this.applyApiStmt = db.prepare(
      `UPDATE orders SET status = @status, panel_url = COALESCE(@panelUrl, panel_url), expires_at = COALESCE(@expiresAt, expires_at),
         paid_at = COALESCE(@paidAt, paid_at), updated_at = @now
       WHERE ref = @ref`,
    );
    this.applyApiTx = db.transaction((ref: string, order: Order): boolean => {
      const row = this.byRefStmt.get(ref);
      if (!row) return false;
      const change = apiOrderChange(row, order);
      const subscription = nextSubscriptionStatus(row.subscription_status, order.subscription_status);
      if (change) this.applyApiStmt.run({ ref, ...change, now: Date.now() });
      if (subscription !== row.subscription_status) this.subscriptionStatusStmt.run(subscription, Date.now(), ref);
      return change !== undefined || subscription !== row.subscription_status;
    });
    this.eventRowByRef = db.prepare<[string], EventOrderRow>(`SELECT ${EVENT_COLUMNS} FROM orders WHERE ref = ?`);
    this.eventRowByApiId = db.prepare<[number], EventOrderRow>(`SELECT ${EVENT_COLUMNS} FROM orders WHERE api_order_id = ?`);
    this.insertFromEvent = db.prepare(
      `INSERT INTO orders (ref, api_order_id, renews_ref, tier, duration_months, credit_usd, language, amount_cents, currency, status,
         checkout_url, panel_url, expires_at, paid_at, error_step, error_message, last_event_ms, created_at, updated_at)
       VALUES (@ref, @api_order_id, @renews_ref, @tier, @duration_months, @credit_usd, @language, @amount_cents, @currency, @status,
         @checkout_url, @panel_url, @expires_at, @paid_at, @error_step, @error_message, @last_event_ms, @now, @now)`,
    );
    this.subscriptionRow = db.prepare<[number], { ref: string; api_order_id: number | null; subscription_status: SubscriptionStatus | null }>(
      'SELECT ref, api_order_id, subscription_status FROM orders WHERE api_subscription_id = ?',
    );
    this.subscriptionCreatedStmt = db.prepare(
      `UPDATE orders SET api_order_id = @orderId, api_subscription_id = @subscriptionId, checkout_url = @checkoutUrl,
         amount_cents = @amount, currency = @currency,
         status = CASE WHEN status IN ('creating', 'create_failed') THEN 'awaiting_payment' ELSE status END,
         error_message = CASE WHEN status IN ('creating', 'create_failed') THEN NULL ELSE error_message END,
         updated_at = @now
       WHERE ref = @ref`,
    );
    this.subscriptionStatusStmt = db.prepare<[SubscriptionStatus | null, number, string]>('UPDATE orders SET subscription_status = ?, updated_at = ? WHERE ref = ?');
    this.applySubscriptionTx = db.transaction((ref: string, reported: SubscriptionStatus | undefined, now: number): void => {
      const row = this.byRefStmt.get(ref);
      if (!row) return;
      const next = nextSubscriptionStatus(row.subscription_status, reported);
      if (next !== row.subscription_status) this.subscriptionStatusStmt.run(next, now, ref);
    });
    this.updateFromEvent = db.prepare(
      `UPDATE orders SET api_order_id = @api_order_id, status = @status, amount_cents = @amount_cents, currency = @currency,
         panel_url = @panel_url, expires_at = @expires_at, paid_at = @paid_at, error_step = @error_step,
         error_message = @error_message, last_event_ms = @last_event_ms, updated_at = @now
       WHERE ref = @ref`,
    );
  }

  async byRef(ref: string): Promise<OrderRow | undefined> {
    return REF_PATTERN.test(ref) ? this.byRefStmt.get(ref) : undefined;
  }

  async byIdempotencyKey(key: string): Promise<OrderRow | undefined> {
    return this.byKeyStmt.get(key);
  }

  async insertCreating(order: NewOrder): Promise<OrderRow | undefined> {
    const ref = newOrderRef();
    const info = this.insertStmt.run({
      ref,
      idempotencyKey: order.idempotencyKey,
      renewsRef: order.renewsRef,
      tier: order.tier,
      durationMonths: order.durationMonths,
      creditUsd: order.creditUsd,
      language: order.language,
      clientKey: order.clientKey ?? null,
      customerEmail: order.customerEmail ?? null,
      subscriptionStatus: order.subscription ? 'pending' : null,
      now: Date.now(),
    });
    return info.changes === 1 ? this.byRefStmt.get(ref) : undefined;
  }

  async retryCreating(ref: string): Promise<void> {
    this.retryStmt.run(Date.now(), ref);
  }

  async markCreated(ref: string, order: Order): Promise<void> {
    this.createdStmt.run({ ref, id: order.id, checkoutUrl: order.checkout_url, amount: order.amount_cents, currency: order.currency, now: Date.now() });
  }

  async markCreateFailed(ref: string, message: string): Promise<void> {
    this.failedStmt.run(message, Date.now(), ref);
  }

  async markSubscriptionCreated(ref: string, subscription: Subscription): Promise<void> {
    const now = Date.now();
    this.subscriptionCreatedStmt.run({
      ref,
      orderId: subscription.order_id,
      subscriptionId: subscription.id,
      checkoutUrl: subscription.checkout_url,
      amount: subscription.amount_cents,
      currency: subscription.currency,
      now,
    });
    this.applySubscriptionTx(ref, subscription.status, now);
  }

  async applySubscription(ref: string, subscription: Subscription): Promise<void> {
    this.applySubscriptionTx(ref, subscription.status, Date.now());
  }

  async openUnpaidBy(clientKey: string): Promise<number> {
    return this.openByClientStmt.get(clientKey, Date.now() - CHECKOUT_WINDOW_MS)!.n;
  }

  async pollable(limit: number): Promise<OrderRow[]> {
    return this.pollableStmt.all(formatApiTime(Date.now()), limit);
  }

  async applyApiOrder(ref: string, order: Order): Promise<boolean> {
    return this.applyApiTx(ref, order);
  }

  /**
   * Applies a verified event to its order (see eventChange). Synchronous and without a transaction
   * of its own: the webhook store calls it inside the one that stores the event, so the event and
   * its effect commit together. Returns whether the event changed the order's status.
   */
  applyEvent(eventId: string, type: EventType, order: ReceivedOrderPayload, now: number): boolean {
    const byRef = order.external_id ? this.eventRowByRef.get(order.external_id) : undefined;
    const row = rowForEvent(byRef, order.id, () => this.eventRowByApiId.get(order.id));
    // A subscription's orders (its first one, each monthly renewal) report its state; its first
    // order's row holds it. A renewal mintbot made on its own gets a row that says what it renews.
    const subscription = order.subscription_id === undefined ? undefined : this.subscriptionRow.get(order.subscription_id);
    if (subscription) this.applySubscriptionTx(subscription.ref, order.subscription_status, now);
    const change = eventChange(row, eventId, type, order);
    switch (change.kind) {
      case 'insert':
        this.insertFromEvent.run({ ...change.values, ref: newOrderRef(), renews_ref: subscription?.ref ?? null, now });
        return true;
      case 'update':
        this.updateFromEvent.run({ ...change.values, ref: change.ref, now });
        return change.applied;
      case 'none':
        return false;
    }
  }
}
