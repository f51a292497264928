import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiOrder, apiSettings, startFakeApi, type FakeApi } from './fake-api.js';
import { BUY, checkoutAction, formKey, refOf, startShop, stubApi, stubControl, type Shop } from './helpers.js';

let shop: Shop | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

/** Buys through the real form and returns the checkout URL and the order's ref. */
async function buy(s: Shop, form: Record<string, string> = BUY): Promise<{ checkout: string; ref: string }> {
  const page = await request(s.target).get(`/buy?plan=${form.plan}`);
  const res = await request(s.target).post('/buy').type('form').send({ ...form, idempotency_key: formKey(page.text) });
  expect(res.status).toBe(303);
  return { checkout: res.headers.location as string, ref: (await s.orders()).at(-1)!.ref };
}

async function statusOf(s: Shop, ref: string): Promise<{ status: string; final: boolean }> {
  const res = await request(s.target).get(`/thank-you/status?ref=${ref}`).set('Accept', 'application/json');
  return res.body;
}

/** Buys, pays with `card` and waits until the order reaches `until`. */
async function buyAndPay(s: Shop, until: string, card?: string): Promise<string> {
  const { checkout, ref } = await buy(s);
  const paid = await checkoutAction(checkout, 'pay', card);
  expect(paid.status).toBe(303);
  expect(refOf(paid.location!)).toBe(ref);
  await vi.waitFor(async () => expect((await statusOf(s, ref)).status).toBe(until), { timeout: 8_000, interval: 50 });
  return ref;
}

describe('back from paying', () => {
  let fake: FakeApi | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('when the customer arrives from the checkout before any webhook, then the page says the payment is being confirmed, never offers to pay again, asks the API at once and shows what it says', async () => {
    shop = await startShop(); // no webhooks reach this portal, and no background poller runs
    const { checkout, ref } = await buy(shop);
    const paid = await checkoutAction(checkout, 'pay');
    expect(paid.location).toBe(`${shop.baseUrl}/thank-you?ref=${ref}&paid=1`);
    expect((await shop.order(ref))!.status).toBe('awaiting_payment');

    const page = await request(shop.target).get(`/thank-you?ref=${ref}&paid=1`);
    expect(page.text).toContain('We are confirming your payment');
    expect(page.text).toContain('There is nothing else to pay');
    expect(page.text).not.toContain(checkout);
    expect(page.text).not.toContain('Return to the payment page');
    // Without script: reloads itself (keeping paid=1) and has a Refresh link that does the same.
    expect(page.text).toContain(`<noscript><meta http-equiv="refresh" content="2;url=/thank-you?ref=${ref}&amp;paid=1"></noscript>`);
    expect(page.text).toContain(`href="/thank-you?ref=${ref}&amp;paid=1">Refresh</a>`);
    const shown = /data-version="([^"]+)"/.exec(page.text)![1]!;

    // The page view asked GET /orders/{id} once: the stub says completed, so the order moved on.
    await vi.waitFor(async () => expect((await shop!.order(ref))!.status).not.toBe('awaiting_payment'), { timeout: 5_000, interval: 20 });
    const update = await request(shop.target).get(`/thank-you/status?ref=${ref}&paid=1&version=${encodeURIComponent(shown)}`).set('Accept', 'application/json');
    expect(update.body).toMatchObject({ status: expect.stringMatching(/^(paid|ready)$/), version: expect.not.stringMatching(shown), html: expect.stringContaining('<section class="panel status-panel') });
    expect(update.body.html).not.toContain('Return to the payment page');
    // Asked again with the version it now shows: nothing changed, so no HTML is sent.
    const same = await request(shop.target).get(`/thank-you/status?ref=${ref}&paid=1&version=${encodeURIComponent(update.body.version)}`).set('Accept', 'application/json');
    expect(same.body.html).toBeUndefined();
  });

  it('when the page is loaded again and again, then the API is asked at most once per order in the interval', async () => {
    fake = await startFakeApi();
    fake.script({ status: 200, body: apiSettings() }, { status: 201, body: apiOrder({ id: 77 }) });
    fake.fallback = () => ({ status: 200, body: apiOrder({ id: 77 }) }); // still awaiting payment
    shop = await startShop({ stub: false, env: { MINTOFFICE_API_URL: fake.url, CHECKOUT_ORIGINS: 'https://checkout.stripe.com' } });
    const { ref } = await buy(shop);
    for (let i = 0; i < 5; i++) {
      const page = await request(shop.target).get(`/thank-you?ref=${ref}&paid=1`);
      expect(page.text).toContain('We are confirming your payment');
      expect(page.text).not.toContain('checkout.stripe.com');
    }
    await vi.waitFor(() => expect(fake!.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/orders/77')).toHaveLength(1), { timeout: 3_000, interval: 20 });
    // Without paid=1 (a link from elsewhere) the customer may still go back to the payment page.
    expect((await request(shop.target).get(`/thank-you?ref=${ref}`)).text).toContain('href="https://checkout.stripe.com/c/pay/cs_test_fake"');
  });
});

describe('the order status page', () => {
  it('when the ref is unknown, malformed or only almost right, then a plain thank-you shows and no order is revealed', async () => {
    shop = await startShop();
    const { ref } = await buy(shop);
    for (const probe of ['', 'nope', 'A'.repeat(24), ref.toLowerCase() === ref ? ref.toUpperCase() : ref.toLowerCase(), ref.slice(0, -1), `${ref}x`, "' OR 1=1 --", '%00']) {
      const page = await request(shop.target).get(`/thank-you?ref=${encodeURIComponent(probe)}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Thank you for your order');
      expect(page.text).not.toContain(ref);
      expect(page.text).not.toContain('Starter');
      const json = await request(shop.target).get(`/thank-you/status?ref=${encodeURIComponent(probe)}`);
      expect(json.status).toBe(404);
      expect(json.body).toEqual({ error: expect.any(String) });
    }
    const noRef = await request(shop.target).get('/thank-you');
    expect(noRef.status).toBe(200);
    expect(noRef.text).toContain('Thank you for your order');
  });

  it('when payment is awaited, then the page refreshes itself (script, and meta refresh only for no-JS) and offers the way back to checkout', async () => {
    shop = await startShop();
    const { ref, checkout } = await buy(shop);
    const page = await request(shop.target).get(`/thank-you?ref=${ref}`);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('Waiting for your payment');
    expect(page.text).toContain(`<noscript><meta http-equiv="refresh" content="2;url=/thank-you?ref=${ref}"></noscript>`);
    expect(page.text).toContain('<script src="/static/js/order-status.js" defer></script>');
    expect(page.text).toContain(`href="/thank-you?ref=${ref}">Refresh</a>`);
    expect(page.text).toContain(`href="${checkout}"`);
    expect(await statusOf(shop, ref)).toMatchObject({ status: 'awaiting_payment', final: false });
  });

  it('when the customer pays, then webhooks move the page to ready with the panel link and expiry, and it stops refreshing', async () => {
    shop = await startShop({ listening: true });
    const ref = await buyAndPay(shop, 'ready');
    expect(await statusOf(shop, ref)).toMatchObject({ status: 'ready', final: true });
    const page = await request(shop.target).get(`/thank-you?ref=${ref}`);
    expect(page.text).toContain('Your agent is ready');
    expect(page.text).toMatch(/href="https:\/\/agent\d+\.example\.com\/panel"/);
    expect(page.text).toMatch(/Runs until <strong>\w+ \d{1,2}, \d{4} at \d\d:\d\d UTC<\/strong>/);
    expect(page.text).not.toContain('http-equiv="refresh"');
    expect(page.text).not.toContain('order-status.js');
    expect(page.text).toContain('action="/renew"');
  });

  it('when no webhook secret is configured, then the background worker polls the API and the page still reaches ready', async () => {
    shop = await startShop({ listening: true, webhooks: false });
    expect(shop.portal.deps.config.webhookSecret).toBeUndefined();
    const ref = await buyAndPay(shop, 'ready');
    const row = (await shop.order(ref))!;
    expect(row.panel_url).toMatch(/^https:\/\/agent\d+\.example\.com\/panel$/);
    expect(row.expires_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('when the deploy fails, then the page says so and tells the customer what to do next', async () => {
    shop = await startShop({ listening: true });
    const ref = await buyAndPay(shop, 'failed', '4000000000000341');
    const page = await request(shop.target).get(`/thank-you?ref=${ref}`);
    expect(page.text).toContain('the set-up failed');
    expect(page.text).toContain('mailto:support@example.com');
    // Paid already: the way forward is support, never a second purchase.
    expect(page.text).toContain('>Write to support</a>');
    expect(page.text).not.toContain('Try again');
    expect(await statusOf(shop, ref)).toMatchObject({ status: 'failed', final: true });
  });

  it('when a trial is bought with 12 months and credit, then it is ordered as 24 free hours without credit, and once ready it offers a plan instead of a renewal', async () => {
    shop = await startShop({ listening: true });
    // Without script the months and credit stay in the post: the form comes back saying they were set aside.
    const refused = await request(shop.target).post('/buy').type('form').send({ plan: 'trial', duration_months: '12', credit_usd: '50', language: 'en', idempotency_key: formKey((await request(shop.target).get('/buy?plan=trial')).text) });
    expect(refused.status).toBe(200);
    expect(refused.text).toContain('the length and credit you picked were set aside');
    expect(refused.text).toMatch(/<dd id="summary-duration">24 hours<\/dd>/);
    expect(refused.text).toMatch(/<dd id="summary-credit">No credit<\/dd>/);
    expect(refused.text).toMatch(/<dd><strong id="order-total">Free<\/strong><\/dd>/);
    expect(await shop.orders()).toHaveLength(0);
    const { checkout, ref } = await buy(shop, { plan: 'trial', language: 'en' });
    const row = (await shop.order(ref))!;
    expect(row).toMatchObject({ tier: 'trial', duration_months: 1, credit_usd: 0 });
    expect(await stubApi(shop.stub!, `/orders/${row.api_order_id}`)).toMatchObject({ tier: 'trial', duration_months: 1, credit_usd: 0, amount_cents: 0 });
    expect((await checkoutAction(checkout, 'pay')).status).toBe(303);
    await vi.waitFor(async () => expect((await statusOf(shop!, ref)).status).toBe('ready'), { timeout: 8_000, interval: 50 });

    const page = await request(shop.target).get(`/thank-you?ref=${ref}`);
    expect(page.text).toContain('Trial, 24 hours');
    expect(page.text).not.toContain('action="/renew"');
    expect(page.text).toContain('href="/buy">Keep your agent: choose a plan</a>');
    const renew = await request(shop.target).post('/renew').type('form').send({ ref, duration_months: '1', idempotency_key: 'trial-renew-key-0123456789' });
    expect(renew.status).toBe(409);
    expect(renew.text).toContain('A trial cannot be renewed');
    expect((await shop.orders()).filter((o) => o.renews_ref === ref)).toHaveLength(0);
  });

  it('when the card is declined, then the order is still awaiting payment and the page keeps the way back to checkout', async () => {
    shop = await startShop({ listening: true });
    const { ref, checkout } = await buy(shop);
    const declined = await checkoutAction(checkout, 'pay', '4000000000000002');
    expect(declined.status).toBe(402);
    const page = await request(shop.target).get(`/thank-you?ref=${ref}`);
    expect(page.text).toContain('Waiting for your payment');
    expect(page.text).toContain(`href="${checkout}"`);
  });

  it('when the customer cancels at checkout, then /cancel says nothing was charged with every choice kept, and the order shows cancelled', async () => {
    shop = await startShop({ listening: true });
    const { ref, checkout } = await buy(shop, { plan: 's4', duration_months: '12', credit_usd: '20', language: 'de' });
    const cancelled = await checkoutAction(checkout, 'cancel');
    expect(cancelled.location).toBe(`${shop.baseUrl}/cancel?plan=s4&duration_months=12&credit_usd=20&language=de`);
    const page = await request(shop.target).get(new URL(cancelled.location!).pathname + new URL(cancelled.location!).search);
    expect(page.status).toBe(200);
    // The language the customer picked is the page's language too.
    expect(page.text).toContain('<html lang="de">');
    expect(page.text).toContain('Es wurde nichts berechnet');
    expect(page.text).toContain('name="plan" value="s4" data-name="Pro" data-price-cents="4800" checked');
    expect(page.text).toMatch(/name="duration_months" value="12"[^>]* checked/);
    expect(page.text).toMatch(/name="credit_usd" value="20"[^>]* checked/);
    expect(page.text).toMatch(/<option value="de" lang="de" selected>/);
    // An edited or stale link still gives a valid form with the defaults.
    const odd = await request(shop.target).get('/cancel?plan=s4&duration_months=7&credit_usd=999&language=xx');
    expect(odd.text).toMatch(/name="duration_months" value="1"[^>]* checked/);
    expect(odd.text).toMatch(/name="credit_usd" value="0"[^>]* checked/);
    await vi.waitFor(async () => expect((await statusOf(shop!, ref)).status).toBe('cancelled'), { timeout: 8_000, interval: 50 });
    // The order's page speaks the order's language, unless the customer chose another one.
    expect((await request(shop.target).get(`/thank-you?ref=${ref}`)).text).toContain('Diese Bestellung wurde storniert');
    expect((await request(shop.target).get(`/thank-you?ref=${ref}`).set('Cookie', 'lang=en')).text).toContain('Nothing was charged');
  });

  it('when a ready agent is renewed and paid, then the renewal page shows the agent with a later expiry', async () => {
    shop = await startShop({ listening: true });
    const ref = await buyAndPay(shop, 'ready');
    const before = (await shop.order(ref))!.expires_at!;
    const page = await request(shop.target).get(`/thank-you?ref=${ref}`);
    const renew = await request(shop.target).post('/renew').type('form').send({ ref, duration_months: '3', idempotency_key: formKey(page.text) });
    expect(renew.status).toBe(303);
    expect(renew.headers.location).toMatch(/\/checkout\/cs_test_/);
    const renewal = (await shop.orders()).find((o) => o.renews_ref === ref)!;
    expect(renewal).toMatchObject({ status: 'awaiting_payment', duration_months: 3, credit_usd: 0, tier: 's1' });

    const paid = await checkoutAction(renew.headers.location as string, 'pay');
    expect(refOf(paid.location!)).toBe(renewal.ref);
    await vi.waitFor(async () => expect((await shop!.order(ref))!.expires_at! > before).toBe(true), { timeout: 8_000, interval: 50 });
    await vi.waitFor(async () => expect(await statusOf(shop!, renewal.ref)).toMatchObject({ status: 'paid', final: true }), { timeout: 8_000, interval: 50 });
    const renewed = await request(shop.target).get(`/thank-you?ref=${renewal.ref}`);
    expect(renewed.text).toContain('your agent is renewed');
    expect(renewed.text).toContain(`href="/thank-you?ref=${ref}"`);
    expect(renewed.text).toMatch(/href="https:\/\/agent\d+\.example\.com\/panel"/);
  });

  it('when the renew form is submitted twice, then one renewal order exists', async () => {
    shop = await startShop({ listening: true });
    const ref = await buyAndPay(shop, 'ready');
    const key = formKey((await request(shop.target).get(`/thank-you?ref=${ref}`)).text);
    const a = await request(shop.target).post('/renew').type('form').send({ ref, duration_months: '1', idempotency_key: key });
    const b = await request(shop.target).post('/renew').type('form').send({ ref, duration_months: '1', idempotency_key: key });
    expect(b.headers.location).toBe(a.headers.location);
    expect((await shop.orders()).filter((o) => o.renews_ref === ref)).toHaveLength(1);
  });

  it('when the agent expires, then the page says so and offers renewal', async () => {
    shop = await startShop({ listening: true });
    const ref = await buyAndPay(shop, 'ready');
    await shop.stub!.clock.advance(100 * 86_400); // past the 3-month lifetime
    await vi.waitFor(async () => expect((await statusOf(shop!, ref)).status).toBe('expired'), { timeout: 8_000, interval: 50 });
    const page = await request(shop.target).get(`/thank-you?ref=${ref}`);
    expect(page.text).toContain('Your agent has expired');
    expect(page.text).toContain('action="/renew"');
  });

  it.each([
    ['an unknown order', (ref: string) => ({ ref: `${ref}zz` }), 404, 'could not find that order'],
    ['an order without an agent yet', (ref: string) => ({ ref }), 409, 'no agent to renew'],
  ])('when renewing %s, then it is refused with a clear message', async (_what, fields, status, message) => {
    shop = await startShop();
    const { ref } = await buy(shop);
    const res = await request(shop.target).post('/renew').type('form').send({ duration_months: '1', idempotency_key: 'k'.repeat(20), ...fields(ref) });
    expect(res.status).toBe(status);
    expect(res.text).toContain(message);
    expect((await shop.orders())).toHaveLength(1);
  });

  it('when renewing with a bad duration or when the API refuses our key, then the status page comes back with the message', async () => {
    shop = await startShop({ listening: true });
    const ref = await buyAndPay(shop, 'ready');
    const key = formKey((await request(shop.target).get(`/thank-you?ref=${ref}`)).text);
    const bad = await request(shop.target).post('/renew').type('form').send({ ref, duration_months: '7', idempotency_key: key });
    expect(bad.status).toBe(422);
    // In the renew form's own panel, above the form the customer is about to correct.
    expect(/<section[^>]*id="renew"[\s\S]*?<\/section>/.exec(bad.text)?.[0]).toContain('Please choose 1, 3 or 12 months');
    expect(bad.text).toContain('Your agent is ready');

    await stubControl(shop.stub!, 'rotate-key');
    const refused = await request(shop.target).post('/renew').type('form').send({ ref, duration_months: '1', idempotency_key: key });
    expect(refused.status).toBe(503);
    expect(refused.text).toContain('temporarily unavailable');
    expect(refused.text).toContain('Your agent is ready');
    expect((await shop.orders()).find((o) => o.renews_ref === ref)).toMatchObject({ status: 'create_failed' });
  });
});
