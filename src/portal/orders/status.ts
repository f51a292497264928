import type { EventType, OrderStatus } from '../../contract/index.js';

/**
 * A local order's status, as the customer sees it. Finer than the API's (which says `completed`
 * for both "paid" and "provisioning"), and with the two states before mintbot knows the order.
 */
export const LOCAL_STATUSES = [
  'creating', // local row written, API order not created yet
  'create_failed', // the API refused or could not be reached; the customer saw why
  'awaiting_payment',
  'paid',
  'provisioning',
  'ready',
  'failed',
  'cancelled',
  'expired',
] as const;
export type LocalStatus = (typeof LOCAL_STATUSES)[number];

/** Statuses after which the thank-you page stops refreshing. */
export const FINAL_STATUSES: ReadonlySet<LocalStatus> = new Set(['ready', 'failed', 'cancelled', 'expired', 'create_failed']);

/** How a status is coloured wherever it is shown (the shop's status page and the admin console). */
export type StatusTone = 'ok' | 'warn' | 'bad' | 'info';

/**
 * One mapping for both audiences. `paid` is `info`: money arrived but the agent is not running
 * yet, so it is not the "done" colour (a paid renewal is done, and its page says so itself).
 */
export const STATUS_TONE: Record<LocalStatus, StatusTone> = {
  creating: 'info',
  create_failed: 'bad',
  awaiting_payment: 'warn',
  paid: 'info',
  provisioning: 'info',
  ready: 'ok',
  failed: 'bad',
  cancelled: 'bad',
  expired: 'warn',
};

const RANK: Record<LocalStatus, number> = {
  creating: 0,
  create_failed: 1,
  awaiting_payment: 1,
  paid: 2,
  provisioning: 3,
  ready: 4,
  failed: 4,
  cancelled: 4,
  expired: 5,
};

export const STATUS_FROM_EVENT: Record<EventType, LocalStatus> = {
  'order.created': 'awaiting_payment',
  'order.paid': 'paid',
  'order.cancelled': 'cancelled',
  'agent.provisioning_started': 'provisioning',
  'agent.ready': 'ready',
  'agent.failed': 'failed',
  'agent.expired': 'expired',
};

/** The local status an API order implies (polling path). */
export function statusFromApiOrder(order: { status: OrderStatus; panel_url: string | null }): LocalStatus {
  switch (order.status) {
    case 'awaiting_payment':
      return 'awaiting_payment';
    case 'completed':
      return 'paid';
    case 'deployed':
      return 'ready';
    case 'deploy_failed':
      return 'failed';
    case 'expired':
      // An unpaid order that timed out or was cancelled has no agent; an expired agent has one.
      return order.panel_url ? 'expired' : 'cancelled';
  }
}

/**
 * Whether an update may replace the current status, so an event that arrives late never moves an
 * order backwards. When both sides carry an occurrence time (event ids are
 * `evt_<order>_<type>_<ms>`), the newer one wins; otherwise, or on a tie, the later lifecycle
 * stage wins. A renewal brings an expired agent back to ready: that is newer, so it applies.
 */
export function shouldApply(
  current: { status: LocalStatus; lastEventMs: number | null },
  next: { status: LocalStatus; eventMs: number | null },
): boolean {
  if (current.lastEventMs !== null && next.eventMs !== null && next.eventMs !== current.lastEventMs) {
    return next.eventMs > current.lastEventMs;
  }
  if (current.status === 'expired' && next.status === 'ready' && next.eventMs === null) return true;
  return RANK[next.status] > RANK[current.status];
}

/** The occurrence time embedded in a mintbot event id, or null when the id has another shape. */
export function eventTimeFromId(eventId: string): number | null {
  const match = /_(\d{10,16})$/.exec(eventId);
  return match ? Number(match[1]) : null;
}
