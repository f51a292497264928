import type { SubscriptionStatus } from '../../contract/index.js';

/**
 * How a subscription's state moves. Events and API answers may arrive late or out of order, and
 * the stub's event times run on its test clock, so state rather than time decides: pending, then
 * active, then one of the ends (a subscription never comes back from cancelled, payment_failed
 * or expired).
 */
const RANK: Record<SubscriptionStatus, number> = { pending: 0, active: 1, cancelled: 2, payment_failed: 2, expired: 2 };

export function nextSubscriptionStatus(current: SubscriptionStatus | null, reported: SubscriptionStatus | undefined): SubscriptionStatus | null {
  if (reported === undefined) return current;
  if (current === null || RANK[reported] > RANK[current]) return reported;
  return current;
}

/** Whether the customer may still cancel: the subscription is running (or not paid yet). */
export function cancellable(status: SubscriptionStatus | null): boolean {
  return status === 'active' || status === 'pending';
}
