import { sign } from '../src/contract/index.js';

/**
 * Stub-shaped webhook bodies signed now (the signature covers the body only and is good for
 * 5 minutes), so a load run can give every request a fresh X-Mintbot-Event-Id for free.
 */
export function signedEvents(secret: string, count: number): Array<{ raw: string; signature: string; type: string }> {
  const types = ['order.created', 'order.paid', 'agent.provisioning_started', 'agent.ready', 'agent.failed', 'order.cancelled', 'agent.expired'];
  return Array.from({ length: count }, (_, i) => {
    const orderId = 100_000 + Math.floor(i / types.length);
    const type = types[i % types.length]!;
    const raw = JSON.stringify({
      id: orderId,
      external_id: `load-${orderId}`,
      status: 'completed',
      tier: 's1',
      duration_months: 1,
      credit_usd: 10,
      amount_cents: 1200,
      currency: 'usd',
      checkout_url: `http://127.0.0.1:8001/checkout/cs_${orderId}`,
      panel_url: type === 'agent.ready' ? `https://agent-${orderId}.example.com` : null,
      expires_at: null,
      paid_at: '2026-11-21 10:00:00',
      created_at: '2026-11-21 09:59:00',
      language: 'en',
    });
    return { raw, signature: sign(secret, raw), type };
  });
}
