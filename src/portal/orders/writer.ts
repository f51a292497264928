import type { EventType, Order, ReceivedOrderPayload } from '../../contract/index.js';
import { eventTimeFromId, shouldApply, statusFromApiOrder, STATUS_FROM_EVENT, type LocalStatus } from './status.js';
import type { OrderRow } from './store.js';

/**
 * The one place that decides how an order's state changes, from a webhook event or from what
 * GET /orders/{id} says. Pure: the store reads the row, asks here, and writes what comes back, in
 * one transaction, whichever database it runs on.
 */

/** The columns an event reads and writes. */
export type EventOrderRow = Pick<
  OrderRow,
  'ref' | 'api_order_id' | 'status' | 'amount_cents' | 'currency' | 'panel_url' | 'expires_at' | 'paid_at' | 'error_step' | 'error_message' | 'last_event_ms'
>;

/** A row for an order first seen in an event (made outside the portal), minus ref and times. */
export type EventOrderInsert = Pick<
  OrderRow,
  | 'tier' | 'duration_months' | 'credit_usd' | 'language' | 'amount_cents' | 'currency' | 'status' | 'checkout_url'
  | 'panel_url' | 'expires_at' | 'paid_at' | 'error_step' | 'error_message' | 'last_event_ms'
> & { api_order_id: number };

export type EventOrderUpdate = Omit<EventOrderRow, 'ref'>;

export type EventChange =
  | { kind: 'insert'; values: EventOrderInsert }
  | { kind: 'update'; ref: string; values: EventOrderUpdate; applied: boolean }
  | { kind: 'none' };

/**
 * Which local row an event is about. The portal's own orders carry their ref as external_id. When
 * that row exists but another row already owns this API id (should not happen), the API id wins:
 * it is mintbot's key. `byApiId` is only called when needed.
 */
export function rowForEvent<R extends { api_order_id: number | null }>(
  byRef: R | undefined,
  orderId: number,
  byApiId: () => R | undefined,
): R | undefined {
  if (byRef && byRef.api_order_id === orderId) return byRef;
  const owner = byApiId();
  return byRef && byRef.api_order_id === null && !owner ? byRef : owner;
}

/** What an event does to its order (`row` undefined: not known locally yet). */
export function eventChange(row: EventOrderRow | undefined, eventId: string, type: EventType, order: ReceivedOrderPayload): EventChange {
  const eventMs = eventTimeFromId(eventId);
  const next = STATUS_FROM_EVENT[type];
  if (!row) {
    // An order made outside the portal (the dashboard, another shop): tracked under a fresh ref.
    return {
      kind: 'insert',
      values: {
        api_order_id: order.id,
        tier: order.tier ?? 'unknown',
        duration_months: order.duration_months ?? 0,
        credit_usd: typeof order['credit_usd'] === 'number' ? Math.trunc(order['credit_usd']) : 0,
        language: typeof order['language'] === 'string' ? order['language'] : null,
        amount_cents: order.amount_cents ?? null,
        currency: order.currency ?? null,
        status: next,
        checkout_url: typeof order['checkout_url'] === 'string' ? order['checkout_url'] : null,
        panel_url: order.panel_url ?? null,
        expires_at: order.expires_at ?? null,
        paid_at: order.paid_at ?? null,
        error_step: type === 'agent.failed' ? (order.error?.step ?? null) : null,
        error_message: type === 'agent.failed' ? (order.error?.message ?? null) : null,
        last_event_ms: eventMs,
      },
    };
  }

  const applies = shouldApply({ status: row.status, lastEventMs: row.last_event_ms }, { status: next, eventMs });
  const values: EventOrderUpdate = {
    api_order_id: row.api_order_id ?? order.id,
    status: row.status,
    // Facts that only ever get known (price, payment time) are filled in even from a late event.
    amount_cents: row.amount_cents ?? order.amount_cents ?? null,
    currency: row.currency ?? order.currency ?? null,
    paid_at: row.paid_at ?? order.paid_at ?? null,
    panel_url: row.panel_url ?? order.panel_url ?? null,
    expires_at: row.expires_at ?? order.expires_at ?? null,
    error_step: row.error_step,
    error_message: row.error_message,
    last_event_ms: row.last_event_ms,
  };
  if (applies) {
    values.status = next;
    values.last_event_ms = eventMs ?? row.last_event_ms;
    // A newer event's view of the agent wins: a renewal's agent.ready extends expires_at.
    if (order.panel_url) values.panel_url = order.panel_url;
    if (order.expires_at) values.expires_at = order.expires_at;
    if (type === 'agent.failed') {
      values.error_step = order.error?.step ?? null;
      values.error_message = order.error?.message ?? null;
    } else if (type === 'agent.ready') {
      values.error_step = null;
      values.error_message = null;
    }
  }
  // A late event that changes nothing writes nothing (one B-tree page fewer per event).
  if (!applies && sameFacts(row, values)) return { kind: 'none' };
  return { kind: 'update', ref: row.ref, values, applied: applies };
}

const FACTS = ['api_order_id', 'amount_cents', 'currency', 'paid_at', 'panel_url', 'expires_at'] as const;

function sameFacts(row: Pick<EventOrderRow, (typeof FACTS)[number]>, update: Pick<EventOrderRow, (typeof FACTS)[number]>): boolean {
  return FACTS.every((k) => row[k] === update[k]);
}

export interface ApiOrderUpdate {
  status: LocalStatus;
  panelUrl: string | null;
  expiresAt: string | null;
  paidAt: string | null;
}

/**
 * What GET /orders/{id} does to a row (the polling path), or undefined when nothing changes.
 * Panel link and expiry are refreshed even when the status stays (a renewal extends a ready agent).
 */
export function apiOrderChange(row: OrderRow, order: Order): ApiOrderUpdate | undefined {
  const next = statusFromApiOrder(order);
  const status = shouldApply({ status: row.status, lastEventMs: row.last_event_ms }, { status: next, eventMs: null }) ? next : row.status;
  const same =
    status === row.status &&
    (order.panel_url ?? row.panel_url) === row.panel_url &&
    (order.expires_at ?? row.expires_at) === row.expires_at &&
    (order.paid_at ?? row.paid_at) === row.paid_at;
  return same ? undefined : { status, panelUrl: order.panel_url, expiresAt: order.expires_at, paidAt: order.paid_at };
}
