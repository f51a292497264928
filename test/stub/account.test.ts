import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { Partner, Revenue, Settings } from '../../src/contract/index.js';
import type { StubConfigInput } from '../../src/stub/index.js';
import { startTestStub, type TestStub } from '../support/stub.js';
import { bearer, createOrder, pay } from './helpers.js';

let stub: TestStub;
async function start(overrides: StubConfigInput = {}) {
  stub = await startTestStub(overrides);
}
afterEach(() => stub.close());

const get = (path: string) => request(stub.url).get(`/api/v1${path}`).set(bearer(stub));

describe('GET /revenue', () => {
  it('when nothing was sold, then totals are zero and events empty', async () => {
    await start();
    expect(Revenue.parse((await get('/revenue')).body)).toEqual({
      currency: 'usd',
      gross_cents: 0,
      partner_cut_cents: 0,
      mintbot_cut_cents: 0,
      unpaid_cents: 0,
      events: [],
    });
  });

  it('when orders are paid, then each records an order_paid event cut by tier × months, newest first', async () => {
    await start();
    const a = await createOrder(stub, { tier: 's1', duration_months: 1 });
    const b = await createOrder(stub, { tier: 's4', duration_months: 3 });
    await pay(stub, a);
    await pay(stub, b);
    await createOrder(stub); // unpaid: no revenue
    const revenue = Revenue.parse((await get('/revenue')).body);
    expect(revenue).toMatchObject({ gross_cents: 1200 + 14400, partner_cut_cents: 200 + 2400, mintbot_cut_cents: 1000 + 12000, unpaid_cents: 2600 });
    expect(revenue.events.map((e) => [e.order_id, e.kind, e.gross_cents, e.partner_cut_cents, e.mintbot_cut_cents, e.payout_id])).toEqual([
      [b.id, 'order_paid', 14400, 2400, 12000, null],
      [a.id, 'order_paid', 1200, 200, 1000, null],
    ]);
    expect(revenue.events[0]!.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('when include_paid is neither true nor false, then 422 naming it', async () => {
    await start();
    const res = await get('/revenue?include_paid=yes');
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe('include_paid: must be true or false');
  });

  it('when more than 200 events exist, then only the latest 200 are listed but totals count all', async () => {
    await start({ deployQuota: 1000 });
    const now = stub.clock.now();
    // Seeded straight into the stub's database file: 205 checkouts over HTTP would add nothing here.
    const Database = (await import('../../src/lib/sqlite-driver.js')).default;
    const db = new Database(stub.dbPath);
    const insertOrder = db.prepare(
      "INSERT INTO orders (tier, duration_months, credit_usd, amount_cents, status, session_id, success_url, cancel_url, created_at, paid_at) VALUES ('s1', 1, 0, 1200, 'completed', ?, 'https://a.example', 'https://a.example', ?, ?)",
    );
    const insertEvent = db.prepare(
      "INSERT INTO revenue_events (order_id, kind, gross_cents, partner_cut_cents, mintbot_cut_cents, created_at) VALUES (?, 'order_paid', 1200, 200, 1000, ?)",
    );
    db.transaction(() => {
      for (let i = 0; i < 205; i++) {
        const id = Number(insertOrder.run(`cs_test_seed${String(i).padStart(20, '0')}`, now, now).lastInsertRowid);
        insertEvent.run(id, now);
      }
    })();
    db.close();
    const revenue = Revenue.parse((await get('/revenue')).body);
    expect(revenue.events).toHaveLength(200);
    expect(revenue.gross_cents).toBe(205 * 1200);
    expect(revenue.events[0]!.id).toBe(205);
  });
});

describe('GET /partner', () => {
  it('when asked, then the profile echoes webhook URL, key prefix and unpaid balance', async () => {
    await start({ webhookUrl: 'https://shop.example/hook', apiKey: 'mo_test_a12b0123456789abcdef' });
    await pay(stub, await createOrder(stub, { tier: 's2' }));
    expect(Partner.strict().parse((await get('/partner')).body)).toEqual({
      id: 1,
      email: 'partner@example.com',
      pricing_currency: 'usd',
      balance_unpaid_cents: 400,
      webhook_url: 'https://shop.example/hook',
      api_key_prefix: 'mo_test_a12b',
    });
  });
});

describe('GET /settings', () => {
  it('when the partner is live on zone.ee, then the whole spec shape validates and says ready', async () => {
    await start({ webhookSecret: 'whsec_0123456789abcdef', webhookUrl: 'https://shop.example/hook' });
    const res = await get('/settings');
    const settings = Settings.strict().parse(res.body);
    expect(settings.status).toBe('live');
    expect(settings.domain).toMatchObject({ mode: 'byo', client_apex_domain: 'example.com', dns_provider: 'zone.ee', zone_ee_api_key_set: true });
    expect(settings.api).toMatchObject({ webhook_url: 'https://shop.example/hook', webhook_secret_set: true, webhook_secret_prefix: 'whsec_01' });
    expect(settings.api.key_prefix).toBe(stub.apiKey().slice(0, 12));
    expect(settings.pricing.tiers).toEqual({
      trial: { price_cents: 0, partner_cut_cents: 0, updated_at: null },
      s1: { price_cents: 1200, partner_cut_cents: 200, updated_at: expect.any(String) },
      s2: { price_cents: 2400, partner_cut_cents: 400, updated_at: expect.any(String) },
      s4: { price_cents: 4800, partner_cut_cents: 800, updated_at: expect.any(String) },
    });
    expect(settings.readiness).toEqual({ ready: true, missing_fields: [], dns_blocker: null, status: 'live' });
    expect(settings.section_status.all_ready).toBe(true);
    expect(settings.allowed_credit_options).toEqual([10, 20, 50]);
  });

  it('when settings are read, then no secret appears anywhere in them', async () => {
    await start({ webhookSecret: 'whsec_supersecretvalue123' });
    const text = (await get('/settings')).text;
    expect(text).not.toContain('whsec_supersecretvalue123');
    expect(text).not.toContain(stub.apiKey());
  });

  it('when the partner is onboarding, then readiness is not ready and lists missing fields', async () => {
    await start({ partnerStatus: 'onboarding' });
    const settings = Settings.strict().parse((await get('/settings')).body);
    expect(settings.status).toBe('onboarding');
    expect(settings.onboarded_at).toBeNull();
    expect(settings.readiness.ready).toBe(false);
    expect(settings.readiness.missing_fields).toContain('telegram_bot_token');
    expect(settings.section_status.bot.status).not.toBe('ready');
    expect(settings.section_status.bot.issue).toEqual(expect.any(String));
    expect(settings.section_status.all_ready).toBe(false);
  });

  it.each([
    ['none', null, null],
    ['cloudflare', 'cloudflare', 'dns_provider_unsupported'],
  ] as const)('when STUB_DNS_PROVIDER=%s, then the domain section is not ready', async (provider, shown, blocker) => {
    await start({ dnsProvider: provider });
    const settings = Settings.strict().parse((await get('/settings')).body);
    expect(settings.domain.dns_provider).toBe(shown);
    expect(settings.domain.zone_ee_api_key_set).toBe(false);
    expect(settings.readiness.ready).toBe(false);
    expect(settings.readiness.dns_blocker).toBe(blocker);
    expect(settings.section_status.domain.status).not.toBe('ready');
  });

  it('when STUB_CREDIT_OPTIONS is set, then allowed_credit_options follows it', async () => {
    await start({ creditOptions: [25, 100] });
    expect((await get('/settings')).body.allowed_credit_options).toEqual([25, 100]);
  });
});
