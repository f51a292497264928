/**
 * The spec's own examples (docs/spec/brand-partner-api.txt), shown in the OpenAPI document next
 * to the schemas they illustrate. A test checks each one against its schema.
 */

export const createOrderExample = {
  tier: 's1',
  duration_months: 1,
  credit_usd: 10,
  language: 'en',
  external_id: 'your-side-id',
  success_url: 'https://your.app/thanks?id={ORDER_ID}',
  cancel_url: 'https://your.app/cart',
  webhook_url: 'https://your.app/mintbot-webhook',
};

export const orderExample = {
  id: 42,
  tier: 's1',
  duration_months: 1,
  credit_usd: 10,
  amount_cents: 1200,
  currency: 'usd',
  status: 'awaiting_payment',
  checkout_url: 'https://checkout.stripe.com/c/pay/cs_test_…',
  panel_url: null,
  expires_at: null,
  language: 'en',
  external_id: 'your-side-id',
  created_at: '2026-05-16 09:58:00',
  paid_at: null,
};

export const orderListExample = { items: [orderExample], next_cursor: '37' };

export const renewOrderExample = {
  duration_months: 1,
  external_id: 'your-side-id',
  success_url: 'https://your.app/thanks?id={ORDER_ID}',
  cancel_url: 'https://your.app/account',
};

export const revenueExample = {
  currency: 'usd',
  gross_cents: 12000,
  partner_cut_cents: 2000,
  mintbot_cut_cents: 10000,
  unpaid_cents: 800,
  events: [
    {
      id: 7,
      order_id: 42,
      kind: 'order_paid',
      gross_cents: 1200,
      partner_cut_cents: 200,
      mintbot_cut_cents: 1000,
      currency: 'usd',
      created_at: '2026-05-16 09:58:00',
      payout_id: null,
      payout_at: null,
    },
  ],
};

export const partnerExample = {
  id: 12,
  email: 'you@kliendifirma.com',
  pricing_currency: 'usd',
  balance_unpaid_cents: 800,
  webhook_url: 'https://your.app/mintbot-webhook',
  api_key_prefix: 'mo_live_a12b',
};

const readySection = (mode: string) => ({ status: 'ready', mode, issue: null, dns_blocker: null });

export const settingsExample = {
  id: 12,
  email: 'you@kliendifirma.com',
  status: 'live',
  created_at: '2026-05-12 14:22:01',
  onboarded_at: '2026-05-12 14:48:33',
  activated_at: '2026-05-13 09:10:05',
  last_login_at: '2026-05-20 00:51:18',
  preferred_language: 'en',
  pricing_currency: 'usd',
  balance_unpaid_cents: 800,
  domain: {
    mode: 'byo',
    client_apex_domain: 'agent99.cc',
    dns_provider: 'zone.ee',
    zone_ee_username: 'you@kliendifirma.com',
    zone_ee_api_key_set: true,
    subdomain_prefix: 'agent',
    subdomain_numbering: 'natural',
    subdomain_pad_width: 3,
    subdomain_label_preview: 'agent1',
  },
  bot: { mode: 'own', provider: 'telegram', telegram_bot_username: 'agent99cc_bot', telegram_bot_token_set: true },
  template: { mode: 'default', repo_url: null },
  api: {
    key_prefix: 'mo_live_a12b',
    key_created_at: '2026-05-13 09:11:42',
    webhook_url: 'https://your.app/mintbot-webhook',
    webhook_secret_set: true,
    webhook_secret_prefix: 'ab12cd34',
  },
  pricing: {
    mode: 'default',
    currency: 'usd',
    tiers: {
      trial: { price_cents: 0, partner_cut_cents: 0, updated_at: null },
      s1: { price_cents: 1200, partner_cut_cents: 200, updated_at: '2026-05-13 09:05:00' },
      s2: { price_cents: 2400, partner_cut_cents: 400, updated_at: '2026-05-13 09:05:00' },
      s4: { price_cents: 4800, partner_cut_cents: 800, updated_at: '2026-05-13 09:05:00' },
    },
  },
  readiness: { ready: true, missing_fields: [], dns_blocker: null, status: 'live' },
  section_status: {
    domain: readySection('byo'),
    bot: readySection('own'),
    template: readySection('default'),
    api: readySection('live'),
    all_ready: true,
  },
};

export const dnsUpsertRequestExample = { subdomain: 'www', ip: '203.0.113.10' };

export const dnsUpsertExample = {
  apex: 'example.com',
  provider: 'zone_ee',
  fqdn: 'www.example.com',
  records: [{ id: '9182734', name: 'www.example.com', destination: '203.0.113.10' }],
};

export const dnsListExample = {
  apex: 'example.com',
  provider: 'zone_ee',
  items: [
    { id: '9182734', name: 'example.com', destination: '203.0.113.10' },
    { id: '9182735', name: 'www.example.com', destination: '203.0.113.10' },
  ],
};

export const dnsDeleteExample = { deleted: true, id: '9182734' };

export const errorExample = {
  error: { code: 'invalid_api_key', message: 'API key is unknown or revoked.', request_id: 'f0c2d6c4-…' },
};

/** The spec's sample order.paid payload (shorter than what the stub sends: the whole order). */
export const orderPaidPayloadExample = {
  id: 42,
  tier: 's1',
  duration_months: 1,
  credit_usd: 10,
  amount_cents: 1200,
  currency: 'usd',
  status: 'completed',
  external_id: 'your-side-id',
  paid_at: '2026-05-16 10:02:14',
};
