import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseApiTime } from '../../../src/contract/index.js';
import { apiSettings, startFakeApi } from './fake-api.js';
import { checkoutAction, formKey, startShop, stubApi, stubControl, type Shop } from './helpers.js';

let shop: Shop | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await shop?.close();
  shop = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A listening shop against the real stub, with the stub's catalog already read. */
async function catalogShop(stub: Parameters<typeof startShop>[0] extends infer O ? (O extends { stub?: infer S } ? S : never) : never = {}): Promise<Shop> {
  const s = await startShop({ listening: true, stub });
  await s.portal.deps.catalog.refresh();
  expect(s.portal.deps.catalog.get()).toBeDefined();
  return s;
}

async function subscribe(s: Shop, form: Record<string, string>) {
  const page = await request(s.target).get(`/buy?plan=${form.plan}`);
  return request(s.target).post('/buy').type('form').send({ language: 'en', duration_months: '1', credit_usd: '0', ...form, idempotency_key: formKey(page.text) });
}

const statusPage = async (s: Shop, ref: string) => (await request(s.target).get(`/thank-you?ref=${ref}`)).text;
const waitFor = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 8_000, interval: 50 });

describe('subscribing in the shop', () => {
  it('when a customer ticks "Renew automatically every month", then a subscription is paid on a branded checkout, renews on the stub clock, and can be stopped from the status page', async () => {
    shop = await catalogShop();
    const picker = await request(shop.target).get('/buy?plan=s2');
    expect(picker.text).toContain('name="subscribe" value="1"');
    expect(picker.text).toContain('Renew automatically every month');

    const res = await subscribe(shop, { plan: 's2', subscribe: '1', email: 'ada@example.com' });
    expect(res.status).toBe(303);
    const row = (await shop.orders()).at(-1)!;
    expect(row).toMatchObject({ tier: 's2', subscription_status: 'pending', customer_email: 'ada@example.com', duration_months: 1, credit_usd: 0 });
    const subscription = await stubApi(shop.stub!, `/subscriptions/${row.api_subscription_id}`);
    expect(subscription).toMatchObject({ status: 'pending', product_name: 'ExampleAI Team · monthly', customer_email: 'ada@example.com', external_id: row.ref });

    const checkout = await (await fetch(res.headers.location as string)).text();
    expect(checkout).toContain('<h1>ExampleAI Team · monthly</h1>');
    expect(checkout).toContain('value="ada@example.com"');
    expect((await checkoutAction(res.headers.location as string, 'pay')).status).toBe(303);
    await waitFor(async () => expect((await shop!.order(row.ref))).toMatchObject({ status: 'ready', subscription_status: 'active' }));

    let page = await statusPage(shop, row.ref);
    expect(page).toContain('Renews automatically every month. Next renewal:');
    expect(page).toContain('Stop automatic renewal');
    expect(page).not.toContain('action="/renew"');
    const firstEnd = (await shop.order(row.ref))!.expires_at!;

    // A month later on the stub clock, the card is charged again and the agent runs another month.
    await stubControl(shop.stub!, 'clock', { advance_seconds: Math.ceil((parseApiTime(firstEnd) - shop.stub!.clock.now()) / 1000) + 1 });
    await waitFor(async () => expect((await shop!.order(row.ref))!.expires_at).not.toBe(firstEnd));
    const renewed = (await shop.order(row.ref))!;
    expect(renewed).toMatchObject({ status: 'ready', subscription_status: 'active' });
    expect(parseApiTime(renewed.expires_at!)).toBeGreaterThan(parseApiTime(firstEnd) + 27 * 86_400_000);
    // The renewal mintbot made on its own is tracked as what it is.
    // (its order.paid and the agent's agent.ready are different orders' deliveries: either may land first)
    await waitFor(async () => expect((await shop!.orders()).filter((o) => o.renews_ref === row.ref)).toEqual([expect.objectContaining({ status: 'paid', tier: 's2' })]));
    const admin = await request(shop.target).get(`/admin/orders/${row.ref}`).auth('admin', 'correct-horse-battery');
    expect(admin.text).toContain('<dt>Subscription</dt><dd>active');
    expect(admin.text).toContain('ada@example.com');

    page = await statusPage(shop, row.ref);
    const stop = await request(shop.target).post('/subscription/cancel').type('form').send({ ref: row.ref, idempotency_key: formKey(page) });
    expect(stop.status).toBe(303);
    expect((await shop.order(row.ref))!.subscription_status).toBe('cancelled');
    expect((await stubApi(shop.stub!, `/subscriptions/${row.api_subscription_id}`)).status).toBe('cancelled');
    page = await statusPage(shop, row.ref);
    expect(page).toContain('Automatic renewal is off. Your agent runs until');
    expect(page).not.toContain('Stop automatic renewal');

    const again = await request(shop.target).post('/subscription/cancel').type('form').send({ ref: row.ref, idempotency_key: 'another-key-0123456789' });
    expect(again.status).toBe(409);
    // In the subscription's own panel, where the customer pressed the button.
    expect(/<section[^>]*id="subscription"[\s\S]*?<\/section>/.exec(again.text)?.[0]).toContain('Automatic renewal has already ended');
  });

  it('when no webhook secret is configured, then polling follows the subscription to active', async () => {
    shop = await startShop({ listening: true, webhooks: false });
    await shop.portal.deps.catalog.refresh();
    const res = await subscribe(shop, { plan: 's1', subscribe: '1', email: 'poll@example.com' });
    const ref = (await shop.orders()).at(-1)!.ref;
    await checkoutAction(res.headers.location as string, 'pay');
    await waitFor(async () => expect((await shop!.order(ref))).toMatchObject({ status: 'ready', subscription_status: 'active' }));
  });

  it('when the monthly payment fails, then the status page says so and the agent has expired', async () => {
    shop = await catalogShop();
    const res = await subscribe(shop, { plan: 's1', subscribe: '1', email: 'late@example.com' });
    const ref = (await shop.orders()).at(-1)!.ref;
    await checkoutAction(res.headers.location as string, 'pay', '4000000000009995');
    await waitFor(async () => expect((await shop!.order(ref))!.status).toBe('ready'));
    const end = (await shop.order(ref))!.expires_at!;
    await stubControl(shop.stub!, 'clock', { advance_seconds: Math.ceil((parseApiTime(end) - shop.stub!.clock.now()) / 1000) + 1 });
    await waitFor(async () => expect((await shop!.order(ref))).toMatchObject({ status: 'expired', subscription_status: 'payment_failed' }));
    const page = await statusPage(shop, ref);
    expect(page).toContain('The monthly payment failed');
    expect(page).not.toContain('Stop automatic renewal');
  });

  it.each([
    [{ plan: 's1', subscribe: '1', email: '' }, 422, 'Please enter your email address'],
    [{ plan: 's1', subscribe: '1', email: 'not an email' }, 422, 'Please enter your email address'],
    [{ plan: 'trial', subscribe: '1', email: 'a@example.com' }, 422, 'This plan cannot renew automatically'],
  ])('when the form has %j, then it is refused with %i and nothing is sent to the API', async (form, status, message) => {
    shop = await catalogShop();
    const res = await subscribe(shop, form);
    expect(res.status).toBe(status);
    expect(res.text).toContain(message);
    expect((await shop.orders())).toHaveLength(0);
  });
});

describe('the branded line item', () => {
  it('when a customer orders in German, then product_name names the plan and length in German', async () => {
    shop = await catalogShop();
    expect((await subscribe(shop, { plan: 's1', duration_months: '3', language: 'de' })).status).toBe(303);
    const order = (await shop.orders()).at(-1)!;
    expect((await stubApi(shop.stub!, `/orders/${order.api_order_id}`)).product_name).toMatch(/^ExampleAI \S.* · 3 Monate$/);
    expect((await subscribe(shop, { plan: 's2', subscribe: '1', email: 'de@example.com', language: 'de' })).status).toBe(303);
    const sub = (await shop.orders()).at(-1)!;
    expect((await stubApi(shop.stub!, `/subscriptions/${sub.api_subscription_id}`)).product_name).toMatch(/^ExampleAI \S.* · monatlich$/);
  });
});

describe('the catalog-driven shop', () => {
  it('when the API catalog sells other packages, then the shop shows exactly them (plans.json copy where it has some) and orders them by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shop-catalog-'));
    dirs.push(dir);
    const file = join(dir, 'catalog.json');
    writeFileSync(file, JSON.stringify({
      packages: [
        { tier: 's1', display_name: 'S1', price_cents: 1500 },
        { tier: 'pro', display_name: 'Pro', description: 'Faster model, longer context.', price_cents: 3900, featured: true },
      ],
    }));
    shop = await catalogShop({ catalogFile: file });
    const home = (await request(shop.target).get('/')).text;
    expect(home).toContain('Starter'); // plans.json's copy for s1
    expect(home).toContain('Faster model, longer context.');
    expect(home).toContain('$39');
    expect(home).not.toContain('Team'); // s2 is in plans.json but not on sale
    const res = await subscribe(shop, { plan: 'pro', duration_months: '3' });
    expect(res.status).toBe(303);
    const row = (await shop.orders()).at(-1)!;
    expect(await stubApi(shop.stub!, `/orders/${row.api_order_id}`)).toMatchObject({ tier: 'pro', duration_months: 3, amount_cents: 11700, product_name: 'ExampleAI Pro · 3 months' });
  });

  it('when the API answers GET /catalog with 404, then the shop sells plans.json at the settings prices and offers no subscription; a failed refresh keeps the last catalog', async () => {
    const fake = await startFakeApi();
    try {
      fake.script({ status: 200, body: apiSettings() });
      shop = await startShop({ stub: false, env: { MINTOFFICE_API_URL: fake.url } });
      const { catalog } = shop.portal.deps;
      const stubCatalog = { currency: 'usd', packages: [{ tier: 's1', display_name: 'S1', description: '', featured: true, default_credit_usd: 0, durations: [{ months: 1, label: '1 month', price_cents: 1500 }], subscription: { available: true, price_cents: 1500 } }], credit_options: [] };

      fake.script({ status: 404, raw: '{"detail":"Not Found"}' });
      await catalog.refresh();
      expect(catalog.get()).toBeUndefined();
      let picker = (await request(shop.target).get('/buy?plan=s2')).text;
      expect(picker).toContain('Team');
      expect(picker).not.toContain('name="subscribe"');

      fake.script({ status: 200, body: stubCatalog }, { status: 502, raw: 'bad gateway' });
      await catalog.refresh();
      await catalog.refresh();
      picker = (await request(shop.target).get('/buy?plan=s1')).text;
      expect(picker).toContain('name="subscribe"');
      expect(picker).not.toContain('Team');
      expect(fake.requests.filter((r) => r.path === '/api/v1/catalog')).toHaveLength(3);

      fake.script({ status: 404, body: { error: { code: 'not_found', message: 'no such route' } } });
      await catalog.refresh();
      expect((await request(shop.target).get('/buy?plan=s2')).text).toContain('Team');
    } finally {
      await fake.close();
    }
  });
});
