import { formatApiTime, type Order } from '../../contract/index.js';
import type { OrderRow } from '../store/orders.js';

/** A stored time (ms, or null for "not yet") as the API writes it. */
export const apiTime = (ms: number | null): string | null => (ms === null ? null : formatApiTime(ms));

export function checkoutUrl(publicUrl: string, sessionId: string): string {
  return `${publicUrl}/checkout/${sessionId}`;
}

/** The order as every order endpoint returns it, and as webhook payloads carry it. */
export function presentOrder(row: OrderRow, publicUrl: string): Order {
  return {
    id: row.id,
    tier: row.tier,
    duration_months: row.duration_months,
    credit_usd: row.credit_usd,
    amount_cents: row.amount_cents,
    currency: 'usd',
    status: row.status,
    checkout_url: checkoutUrl(publicUrl, row.session_id),
    panel_url: row.panel_url,
    expires_at: apiTime(row.expires_at),
    language: row.language,
    external_id: row.external_id,
    created_at: formatApiTime(row.created_at),
    paid_at: apiTime(row.paid_at),
    // Beyond the spec, and only when set, so an order made as the spec describes looks exactly as it says.
    ...(row.product_name === null ? {} : { product_name: row.product_name }),
    ...(row.customer_email === null ? {} : { customer_email: row.customer_email }),
    ...(row.subscription_id === null ? {} : { subscription_id: row.subscription_id }),
    ...(row.subscription_status === null ? {} : { subscription_status: row.subscription_status }),
  };
}
