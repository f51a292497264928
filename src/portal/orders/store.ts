import { randomBytes } from 'node:crypto';
import type { Order } from '../../contract/index.js';
import type { Db } from '../store/db.js';
import { shouldApply, statusFromApiOrder, type LocalStatus } from './status.js';

/** A row of the `orders` table (schema v1). */
export interface OrderRow {
  ref: string;
  api_order_id: number | null;
  idempotency_key: string | null;
  renews_ref: string | null;
  tier: string;
  duration_months: number;
  credit_usd: number;
  language: string | null;
  amount_cents: number | null;
  currency: string | null;
  status: LocalStatus;
  checkout_url: string | null;
  panel_url: string | null;
  expires_at: string | null;
  paid_at: string | null;
  error_step: string | null;
  error_message: string | null;
  last_event_ms: number | null;
  created_at: number;
  updated_at: number;
  /** The address that placed it (schema v2; null for older rows and orders made elsewhere). */
  client_key: string | null;
}

export interface NewOrder {
  idempotencyKey: string;
  renewsRef: string | null;
  tier: string;
  durationMonths: number;
  creditUsd: number;
  language: string | null;
  /** Who placed it (their address), for the cap on a client's unpaid orders. */
  clientKey?: string | null;
}

/** Statuses that hold one of the partner's deploy slots without being paid. */
export const UNPAID_OPEN_STATUSES = "('creating', 'awaiting_payment')";
/** mintbot cancels an unpaid checkout after 24 hours, which frees its slot. */
export const CHECKOUT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** 144 random bits, URL-safe: the customer's order reference (it is their key to the status page). */
export function newOrderRef(): string {
  return randomBytes(18).toString('base64url');
}

/** What a ref looks like; anything else is not looked up at all. */
export const REF_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

/**
 * The storefront's writes to the orders table. The webhook receiver updates the same rows from
 * events; every status change here goes through shouldApply so the two never fight backwards.
 * Statements are prepared once.
 */
export class OrderStore {
  private readonly byRefStmt;
  private readonly byKeyStmt;
  private readonly insertStmt;
  private readonly retryStmt;
  private readonly createdStmt;
  private readonly failedStmt;
  private readonly pollableStmt;
  private readonly applyStmt;
  private readonly openByClientStmt;

  constructor(private readonly db: Db) {
    this.byRefStmt = db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE ref = ?');
    this.byKeyStmt = db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE idempotency_key = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO orders (ref, idempotency_key, renews_ref, tier, duration_months, credit_usd, language, client_key, status, created_at, updated_at)
       VALUES (@ref, @idempotencyKey, @renewsRef, @tier, @durationMonths, @creditUsd, @language, @clientKey, 'creating', @now, @now)
       ON CONFLICT (idempotency_key) DO NOTHING`,
    );
    this.retryStmt = db.prepare("UPDATE orders SET status = 'creating', error_message = NULL, updated_at = ? WHERE ref = ? AND status = 'create_failed'");
    // The API's order.created webhook may land before the API's answer does: never move back.
    this.createdStmt = db.prepare(
      `UPDATE orders SET api_order_id = @id, checkout_url = @checkoutUrl, amount_cents = @amount, currency = @currency,
         status = CASE WHEN status IN ('creating', 'create_failed') THEN 'awaiting_payment' ELSE status END,
         error_message = CASE WHEN status IN ('creating', 'create_failed') THEN NULL ELSE error_message END,
         updated_at = @now
       WHERE ref = @ref`,
    );
    this.failedStmt = db.prepare("UPDATE orders SET status = 'create_failed', error_message = ?, updated_at = ? WHERE ref = ? AND status = 'creating'");
    this.pollableStmt = db.prepare<[number], OrderRow>(
      `SELECT * FROM orders
       WHERE api_order_id IS NOT NULL AND status IN ('awaiting_payment', 'paid', 'provisioning')
         AND NOT (renews_ref IS NOT NULL AND status = 'paid')  -- a paid renewal stays "completed" at the API
       ORDER BY updated_at LIMIT ?`,
    );
    this.openByClientStmt = db.prepare<[string, number], { n: number }>(
      `SELECT count(*) AS n FROM orders WHERE client_key = ? AND created_at > ? AND status IN ${UNPAID_OPEN_STATUSES}`,
    );
    this.applyStmt = db.prepare(
      `UPDATE orders SET status = @status, panel_url = COALESCE(@panelUrl, panel_url), expires_at = COALESCE(@expiresAt, expires_at),
         paid_at = COALESCE(@paidAt, paid_at), updated_at = @now
       WHERE ref = @ref`,
    );
  }

  byRef(ref: string): OrderRow | undefined {
    return REF_PATTERN.test(ref) ? this.byRefStmt.get(ref) : undefined;
  }

  byIdempotencyKey(key: string): OrderRow | undefined {
    return this.byKeyStmt.get(key);
  }

  /**
   * Writes the local row (status creating) before anything is sent to the API. Returns the new
   * row, or undefined when this idempotency key already has one.
   */
  insertCreating(order: NewOrder): OrderRow | undefined {
    const ref = newOrderRef();
    const info = this.insertStmt.run({ ...order, clientKey: order.clientKey ?? null, ref, now: Date.now() });
    return info.changes === 1 ? this.byRefStmt.get(ref) : undefined;
  }

  /** A failed creation being tried again with the same ref and key (a refresh of the failure page). */
  retryCreating(ref: string): void {
    this.retryStmt.run(Date.now(), ref);
  }

  markCreated(ref: string, order: Order): void {
    this.createdStmt.run({ ref, id: order.id, checkoutUrl: order.checkout_url, amount: order.amount_cents, currency: order.currency, now: Date.now() });
  }

  markCreateFailed(ref: string, message: string): void {
    this.failedStmt.run(message, Date.now(), ref);
  }

  /** How many orders this client placed in the checkout window that are still unpaid. */
  openUnpaidBy(clientKey: string): number {
    return this.openByClientStmt.get(clientKey, Date.now() - CHECKOUT_WINDOW_MS)!.n;
  }

  /** Orders mintbot knows about that have not reached a final status (the polling worker's queue). */
  pollable(limit: number): OrderRow[] {
    return this.pollableStmt.all(limit);
  }

  /**
   * Applies what GET /orders/{id} says (the polling path, used when no webhook secret is set).
   * Returns whether the row changed. Refreshes panel link and expiry even when the status stays
   * (a renewal extends a ready agent).
   */
  applyApiOrder(ref: string, order: Order): boolean {
    return this.db.transaction(() => {
      const row = this.byRefStmt.get(ref);
      if (!row) return false;
      const next = statusFromApiOrder(order);
      const status = shouldApply({ status: row.status, lastEventMs: row.last_event_ms }, { status: next, eventMs: null }) ? next : row.status;
      const same =
        status === row.status &&
        (order.panel_url ?? row.panel_url) === row.panel_url &&
        (order.expires_at ?? row.expires_at) === row.expires_at &&
        (order.paid_at ?? row.paid_at) === row.paid_at;
      if (same) return false;
      this.applyStmt.run({ ref, status, panelUrl: order.panel_url, expiresAt: order.expires_at, paidAt: order.paid_at, now: Date.now() });
      return true;
    })();
  }
}
