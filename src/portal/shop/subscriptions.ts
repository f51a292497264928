import type { Logger } from '../../lib/logger.js';
import type { MintOfficeClient } from '../mintoffice/client.js';
import { cancellable } from '../orders/subscription.js';
import type { OrderRow, OrderStore } from '../orders/store.js';

export type CancelOutcome = { ok: true } | { ok: false; error: 'subscription_none' | 'subscription_ended' | 'cancel_unavailable' | 'cancel_unreachable' };

/**
 * The customer's "stop renewing" from the status page: one API call with the form's one-time key
 * as its Idempotency-Key (a double click cancels once), then the answer is stored. The agent keeps
 * running to the end of the month already paid.
 */
export async function cancelSubscription(
  deps: { api: MintOfficeClient; orders: OrderStore; logger: Logger },
  order: OrderRow,
  idempotencyKey: string,
  reqId: string,
): Promise<CancelOutcome> {
  if (order.api_subscription_id === null) return { ok: false, error: 'subscription_none' };
  if (!cancellable(order.subscription_status)) return { ok: false, error: 'subscription_ended' };
  const result = await deps.api.cancelSubscription(order.api_subscription_id, idempotencyKey);
  if (!result.ok) {
    const error = result.error;
    deps.logger.warn({ reqId, ref: order.ref, failure: error.kind, message: error.message }, 'subscription cancel failed');
    const unavailable = error.kind === 'not_configured' || error.kind === 'credentials' || error.kind === 'rate_limited';
    return { ok: false, error: unavailable ? 'cancel_unavailable' : 'cancel_unreachable' };
  }
  await deps.orders.applySubscription(order.ref, result.value);
  deps.logger.info({ reqId, ref: order.ref, subscriptionId: order.api_subscription_id }, 'subscription cancelled by the customer');
  return { ok: true };
}
