import type { Order } from '../../src/contract/index.js';

/**
 * A mintbot order as `GET /orders/{id}` returns it and webhooks carry it. Typed by the contract,
 * so a change there breaks this fixture at compile time; override what a test is about.
 */
export function sampleOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const order: Order = {
    id: 42,
    tier: 's1',
    duration_months: 1,
    credit_usd: 10,
    amount_cents: 1200,
    currency: 'usd',
    status: 'awaiting_payment',
    checkout_url: 'https://checkout.stripe.com/c/pay/cs_test_fake',
    panel_url: null,
    expires_at: null,
    language: 'en',
    external_id: null,
    created_at: '2026-05-16 09:58:00',
    paid_at: null,
  };
  return { ...order, ...overrides };
}
