import { EVENT_TYPES, ReceivedOrderPayload, type EventType, type Order, type Subscription } from '../../contract/index.js';
import { EXTERNAL_ID_MAX, REJECTED_EXCERPT_BYTES, type IncomingEvent, type RejectedDelivery } from '../webhooks/store.js';
import { newOrderRef, UNPAID_OPEN_STATUSES, type NewOrder } from '../orders/store.js';
import type { EventChange } from '../orders/writer.js';

/**
 * The SQL both databases run as written: `@name` parameters, and only what SQLite and PostgreSQL
 * agree on (ON CONFLICT, RETURNING, COALESCE, CASE, LIMIT). What differs is in sqlite/ or
 * postgres/ beside this file. See docs/decisions/0005-store-layer.md.
 */

export const ORDER_COLUMNS = `ref, api_order_id, idempotency_key, renews_ref, tier, duration_months, credit_usd, language, amount_cents,
  currency, status, checkout_url, panel_url, expires_at, paid_at, error_step, error_message, last_event_ms, created_at, updated_at, client_key,
  customer_email, api_subscription_id, subscription_status`;
const EVENT_ORDER_COLUMNS = 'ref, api_order_id, status, amount_cents, currency, panel_url, expires_at, paid_at, error_step, error_message, last_event_ms';

export const ORDERS = {
  byRef: `SELECT ${ORDER_COLUMNS} FROM orders WHERE ref = @ref`,
  byIdempotencyKey: `SELECT ${ORDER_COLUMNS} FROM orders WHERE idempotency_key = @key`,
  insertCreating: `INSERT INTO orders (ref, idempotency_key, renews_ref, tier, duration_months, credit_usd, language, client_key, status,
      customer_email, subscription_status, created_at, updated_at)
    VALUES (@ref, @idempotencyKey, @renewsRef, @tier, @durationMonths, @creditUsd, @language, @clientKey, 'creating',
      @customerEmail, @subscriptionStatus, @now, @now)
    ON CONFLICT (idempotency_key) DO NOTHING`,
  retryCreating: "UPDATE orders SET status = 'creating', error_message = NULL, updated_at = @now WHERE ref = @ref AND status = 'create_failed'",
  markCreated: `UPDATE orders SET api_order_id = @id, checkout_url = @checkoutUrl, amount_cents = @amount, currency = @currency,
      status = CASE WHEN status IN ('creating', 'create_failed') THEN 'awaiting_payment' ELSE status END,
      error_message = CASE WHEN status IN ('creating', 'create_failed') THEN NULL ELSE error_message END,
      updated_at = @now
    WHERE ref = @ref`,
  markCreateFailed: "UPDATE orders SET status = 'create_failed', error_message = @message, updated_at = @now WHERE ref = @ref AND status = 'creating'",
  openUnpaidBy: `SELECT count(*) AS n FROM orders WHERE client_key = @clientKey AND created_at > @since AND status IN ${UNPAID_OPEN_STATUSES}`,
  unpaidOpen: `SELECT count(*) AS n FROM orders WHERE created_at > @since AND status IN ${UNPAID_OPEN_STATUSES}`,
  pollable: `SELECT ${ORDER_COLUMNS} FROM orders
    WHERE api_order_id IS NOT NULL AND (
      (status IN ('awaiting_payment', 'paid', 'provisioning')
        AND NOT (renews_ref IS NOT NULL AND status = 'paid'))  -- a paid renewal stays "completed" at the API
      -- a subscription at the end of its paid month: renewed (a later expires_at) or not
      OR (subscription_status = 'active' AND status = 'ready' AND expires_at <= @nowApi))
    ORDER BY updated_at LIMIT @limit`,
  applyApiOrder: `UPDATE orders SET status = @status, panel_url = COALESCE(@panelUrl, panel_url), expires_at = COALESCE(@expiresAt, expires_at),
      paid_at = COALESCE(@paidAt, paid_at), updated_at = @now
    WHERE ref = @ref`,
  eventRowByRef: `SELECT ${EVENT_ORDER_COLUMNS} FROM orders WHERE ref = @ref`,
  eventRowByApiId: `SELECT ${EVENT_ORDER_COLUMNS} FROM orders WHERE api_order_id = @id`,
  insertFromEvent: `INSERT INTO orders (ref, api_order_id, renews_ref, tier, duration_months, credit_usd, language, amount_cents, currency, status,
      checkout_url, panel_url, expires_at, paid_at, error_step, error_message, last_event_ms, created_at, updated_at)
    VALUES (@ref, @api_order_id, @renews_ref, @tier, @duration_months, @credit_usd, @language, @amount_cents, @currency, @status,
      @checkout_url, @panel_url, @expires_at, @paid_at, @error_step, @error_message, @last_event_ms, @now, @now)`,
  updateFromEvent: `UPDATE orders SET api_order_id = @api_order_id, status = @status, amount_cents = @amount_cents, currency = @currency,
      panel_url = @panel_url, expires_at = @expires_at, paid_at = @paid_at, error_step = @error_step,
      error_message = @error_message, last_event_ms = @last_event_ms, updated_at = @now
    WHERE ref = @ref`,
  subscriptionRow: 'SELECT ref, api_order_id, subscription_status FROM orders WHERE api_subscription_id = @id',
  markSubscriptionCreated: `UPDATE orders SET api_order_id = @orderId, api_subscription_id = @subscriptionId, checkout_url = @checkoutUrl,
      amount_cents = @amount, currency = @currency,
      status = CASE WHEN status IN ('creating', 'create_failed') THEN 'awaiting_payment' ELSE status END,
      error_message = CASE WHEN status IN ('creating', 'create_failed') THEN NULL ELSE error_message END,
      updated_at = @now
    WHERE ref = @ref`,
  subscriptionStatus: 'UPDATE orders SET subscription_status = @status, updated_at = @now WHERE ref = @ref',
} as const;

/** insertCreating's parameters (both dialects). */
export function creatingParams(ref: string, order: NewOrder) {
  return {
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
  };
}

/** markSubscriptionCreated's parameters (both dialects). */
export function subscriptionCreatedParams(ref: string, subscription: Subscription, now: number) {
  return {
    ref,
    orderId: subscription.order_id,
    subscriptionId: subscription.id,
    checkoutUrl: subscription.checkout_url,
    amount: subscription.amount_cents,
    currency: subscription.currency,
    now,
  };
}

/** markCreated's parameters (both dialects). */
export function createdParams(ref: string, order: Order) {
  return { ref, id: order.id, checkoutUrl: order.checkout_url, amount: order.amount_cents, currency: order.currency, now: Date.now() };
}

/** The parameters of the write an event change asks for (insertFromEvent / updateFromEvent), if any. */
export function writeParams(change: EventChange, now: number, renewsRef: string | null = null): Record<string, unknown> | undefined {
  switch (change.kind) {
    case 'insert':
      return { ...change.values, ref: newOrderRef(), renews_ref: renewsRef, now };
    case 'update':
      return { ...change.values, ref: change.ref, now };
    case 'none':
      return undefined;
  }
}

export const WEBHOOK_EVENTS = {
  insert: `INSERT INTO webhook_events (event_id, event_type, api_order_id, external_id, payload, received_at)
    VALUES (@eventId, @eventType, @apiOrderId, @externalId, @payload, @now) ON CONFLICT (event_id) DO NOTHING`,
  insertRejected: `INSERT INTO rejected_deliveries (reason, event_id, event_type, body_excerpt, received_at)
    VALUES (@reason, @eventId, @eventType, @excerpt, @now)`,
  // Ids only grow, so "older than the last `keep`" is one range on the primary key.
  trimRejected: 'DELETE FROM rejected_deliveries WHERE id <= (SELECT max(id) FROM rejected_deliveries) - @keep',
} as const;

/**
 * A claim: pending rows whose time has come and that no live lease holds get a lease, so another
 * process (or a pass that overlaps) skips them until they are marked or the lease runs out (the
 * claimer died mid-delivery). `claimLock` is where PostgreSQL adds FOR UPDATE SKIP LOCKED.
 */
const claimDue = (claimLock: string) => `UPDATE inquiry_outbox SET lease_until = @leaseUntil
  WHERE inquiry_id IN (
    SELECT inquiry_id FROM inquiry_outbox
    WHERE state = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
    ORDER BY next_attempt_at, inquiry_id LIMIT @limit ${claimLock})
  RETURNING inquiry_id, attempts, next_attempt_at`;

export const INQUIRIES = {
  insert: `INSERT INTO inquiries (name, email, company, website, type, message, fast_track, client_ip, created_at)
    VALUES (@name, @email, @company, @website, @type, @message, @fastTrack, @clientIp, @createdAt) RETURNING id`,
  insertOutbox: "INSERT INTO inquiry_outbox (inquiry_id, state, attempts, next_attempt_at) VALUES (@id, 'pending', 0, @createdAt)",
  byId: 'SELECT id, name, email, company, website, type, message, fast_track, client_ip, created_at, handled_at, handled_by FROM inquiries WHERE id = @id',
  markHandled: 'UPDATE inquiries SET handled_at = @at, handled_by = @by WHERE id = @id',
  outbox: 'SELECT inquiry_id, state, attempts, next_attempt_at, last_error, delivered_at FROM inquiry_outbox WHERE inquiry_id = @id',
  claimDue,
  // A leased row is due again when its lease runs out.
  nextDue: `SELECT MIN(CASE WHEN lease_until > next_attempt_at THEN lease_until ELSE next_attempt_at END) AS next
    FROM inquiry_outbox WHERE state = 'pending'`,
  markDelivered: `UPDATE inquiry_outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = @now, lease_until = NULL
    WHERE inquiry_id = @id AND state = 'pending'`,
  releaseClaim: "UPDATE inquiry_outbox SET lease_until = NULL WHERE inquiry_id = @id AND state = 'pending'",
  markAttemptFailed: `UPDATE inquiry_outbox SET attempts = attempts + 1, state = @state, next_attempt_at = @next, last_error = @error, lease_until = NULL
    WHERE inquiry_id = @id AND state = 'pending'`,
} as const;

export const KV = {
  get: 'SELECT value, updated_at FROM kv WHERE key = @key',
  put: 'INSERT INTO kv (key, value, updated_at) VALUES (@key, @value, @now) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  delete: 'DELETE FROM kv WHERE key = @key',
  putIfAbsent: 'INSERT INTO kv (key, value, updated_at) VALUES (@key, @value, @now) ON CONFLICT (key) DO NOTHING',
  // Taken when free, renewed by its holder, taken over once the holder stopped renewing.
  lease: `INSERT INTO kv (key, value, updated_at) VALUES (@key, @value, @now)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
    WHERE kv.value = excluded.value OR kv.updated_at <= @expired`,
} as const;

export const RATE_HITS = {
  history: 'SELECT count(*) AS count, min(at) AS oldest, max(at) AS newest FROM rate_hits WHERE bucket = @bucket AND at > @since',
  insert: 'INSERT INTO rate_hits (bucket, at) VALUES (@bucket, @now)',
  trim: 'DELETE FROM rate_hits WHERE bucket = @bucket AND at <= @before',
  purge: 'DELETE FROM rate_hits WHERE at <= @before',
} as const;

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * What storing one incoming event writes (WEBHOOK_EVENTS.insert's parameters), and the order it
 * is to change when it is a known type with a valid order payload (else undefined).
 */
export function eventInsert({ eventId, eventType, text, body }: IncomingEvent, now: number) {
  const payload = ReceivedOrderPayload.safeParse(body);
  const order = payload.success ? payload.data : undefined;
  const externalId = typeof order?.external_id === 'string' ? order.external_id.slice(0, EXTERNAL_ID_MAX) : null;
  return {
    params: { eventId, eventType, apiOrderId: order?.id ?? null, externalId, payload: text, now },
    applies: order && KNOWN_TYPES.has(eventType) ? { type: eventType as EventType, order } : undefined,
  };
}

/** rejected_deliveries' parameters for a refused delivery. */
export function rejectedParams(r: RejectedDelivery, now: number) {
  return { reason: r.reason, eventId: clip(r.eventId), eventType: clip(r.eventType), excerpt: r.body.subarray(0, REJECTED_EXCERPT_BYTES).toString('utf8'), now };
}

function clip(value: string | null): string | null {
  return value === null ? null : value.slice(0, 200);
}
