import { randomBytes } from 'node:crypto';
import type { Order, Subscription, SubscriptionStatus } from '../../contract/index.js';
import type { LocalStatus } from './status.js';

/** A row of the `orders` table (schema v4). */
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
  /** Schema v4: the customer's email (given for a subscription). */
  customer_email: string | null;
  /** Set on a monthly subscription (its first order): mintbot's subscription id and state. */
  api_subscription_id: number | null;
  /** Non-null marks a subscription; 'pending' from the moment the customer asked for one. */
  subscription_status: SubscriptionStatus | null;
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
  /** A monthly subscription instead of a one-off order (then durationMonths is 1 and creditUsd 0). */
  subscription?: boolean;
  customerEmail?: string | null;
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
 * The `orders` table, as feature code sees it: every method is a unit of work (its own
 * transaction where it needs one) and returns a Promise, so the implementation may sit on any
 * database. The SQLite one is src/portal/store/sqlite/orders.ts; every status change goes through
 * the decisions in ./writer.ts, so the storefront, the poller and the webhook receiver never
 * fight backwards.
 */
export interface OrderStore {
  /** The order with this ref; refs that do not look like one are not looked up at all. */
  byRef(ref: string): Promise<OrderRow | undefined>;
  byIdempotencyKey(key: string): Promise<OrderRow | undefined>;
  /**
   * Writes the local row (status creating) before anything is sent to the API. Returns the new
   * row, or undefined when this idempotency key already has one.
   */
  insertCreating(order: NewOrder): Promise<OrderRow | undefined>;
  /** A failed creation being tried again with the same ref and key (a refresh of the failure page). */
  retryCreating(ref: string): Promise<void>;
  /** The API created the order; the order.created webhook may have landed first: never move back. */
  markCreated(ref: string, order: Order): Promise<void>;
  markCreateFailed(ref: string, message: string): Promise<void>;
  /** How many orders this client placed in the last CHECKOUT_WINDOW_MS that are still unpaid. */
  openUnpaidBy(clientKey: string): Promise<number>;
  /** The API created the subscription (its first order is subscription.order_id). */
  markSubscriptionCreated(ref: string, subscription: Subscription): Promise<void>;
  /** What the API answered about the subscription (after a cancel); an ended subscription never becomes active again. */
  applySubscription(ref: string, subscription: Subscription): Promise<void>;
  /** Orders mintbot knows about that have not reached a final status (the polling worker's queue). */
  pollable(limit: number): Promise<OrderRow[]>;
  /** Applies what GET /orders/{id} says (see apiOrderChange). Returns whether the row changed. */
  applyApiOrder(ref: string, order: Order): Promise<boolean>;
}
