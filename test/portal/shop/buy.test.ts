import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { apiError, apiOrder, apiSettings, startFakeApi, type FakeApi } from './fake-api.js';
import { BUY, formKey, startShop, stubApi, stubControl, type Shop } from './helpers.js';

let shop: Shop | undefined;
let fake: FakeApi | undefined;
afterEach(async () => {
  await shop?.close();
  await fake?.close();
  shop = undefined;
  fake = undefined;
});

async function freshKey(s: Shop, plan = 's1'): Promise<string> {
  const page = await request(s.target).get(`/buy?plan=${plan}`);
  return formKey(page.text);
}

/** A portal whose API is the fake one; settings come from it (or stay empty with `settings: false`). */
async function shopWithFakeApi(options: { settings?: boolean; env?: Record<string, string> } = {}): Promise<Shop> {
  fake = await startFakeApi();
  if (options.settings !== false) fake.script({ status: 200, body: apiSettings() });
  return startShop({ stub: false, env: { MINTOFFICE_API_URL: fake.url, CHECKOUT_ORIGINS: 'https://checkout.stripe.com', ...options.env } });
}

describe('POST /buy against the real stub', () => {
  it('when a customer submits the form, then a local row is written, the API order points back at it, and the browser is sent to checkout', async () => {
    shop = await startShop();
    const key = await freshKey(shop);
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: key });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^${shop.stub!.url}/checkout/cs_test_`));

    const [row] = shop.orders();
    expect(row).toMatchObject({ tier: 's1', duration_months: 3, credit_usd: 10, language: 'en', status: 'awaiting_payment', idempotency_key: key, amount_cents: 3600 });
    // An unguessable reference: at least 128 random bits, URL-safe.
    expect(row!.ref).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(Buffer.from(row!.ref, 'base64url').length).toBeGreaterThanOrEqual(16);

    const apiOrderRow = await stubApi(shop.stub!, `/orders/${row!.api_order_id}`);
    expect(apiOrderRow).toMatchObject({ external_id: row!.ref, tier: 's1', duration_months: 3, credit_usd: 10, language: 'en', status: 'awaiting_payment' });
  });

  it('when the same form is submitted twice (double click, refresh, back and resubmit), then there is ONE order and both go to the same checkout', async () => {
    shop = await startShop();
    const key = await freshKey(shop);
    const first = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: key });
    const again = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: key });
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(first.headers.location);
    expect(shop.orders()).toHaveLength(1);
    expect((await stubApi(shop.stub!, '/orders')).items).toHaveLength(1);
  });

  it('when the same form is posted five times at once, then all five land on one checkout and one order exists', async () => {
    shop = await startShop();
    const key = await freshKey(shop);
    const results = await Promise.all(Array.from({ length: 5 }, () => request(shop!.target).post('/buy').type('form').send({ ...BUY, idempotency_key: key })));
    expect(new Set(results.map((r) => `${r.status} ${r.headers.location}`)).size).toBe(1);
    expect(results[0]!.status).toBe(303);
    expect(shop.orders()).toHaveLength(1);
    expect((await stubApi(shop.stub!, '/orders')).items).toHaveLength(1);
  });

  it('when two page views submit, then each gets its own order (the key is new on each view)', async () => {
    shop = await startShop();
    const a = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: await freshKey(shop) });
    const b = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: await freshKey(shop) });
    expect(a.headers.location).not.toBe(b.headers.location);
    expect(shop.orders()).toHaveLength(2);
  });

  it('when a used key comes back with different choices (a stale tab), then 409 and the form again, and no second order', async () => {
    shop = await startShop();
    const key = await freshKey(shop);
    await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: key });
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, plan: 's4', idempotency_key: key });
    expect(res.status).toBe(409);
    expect(res.text).toContain('already used');
    expect(formKey(res.text)).not.toBe(key);
    expect(shop.orders()).toHaveLength(1);
  });

  it.each([
    ['an unknown plan', { plan: 's9' }, 422, 'Please choose one of the plans'],
    ['a missing plan', { plan: undefined }, 422, 'Please choose one of the plans'],
    ['an unknown duration', { duration_months: '6' }, 422, 'Please choose 1, 3 or 12 months'],
    ['an unknown language', { language: 'xx' }, 422, 'Please choose one of the languages'],
    ['a credit bundle the API does not offer', { credit_usd: '15' }, 400, 'That credit bundle is not available'],
    ['a credit that is not a number', { credit_usd: 'lots' }, 400, 'That credit bundle is not available'],
    ['no idempotency key', { idempotency_key: undefined }, 400, 'This form has expired'],
    ['a malformed idempotency key', { idempotency_key: '<script>' }, 400, 'This form has expired'],
  ])('when the form has %s, then it is re-rendered with the message and nothing is ordered', async (_what, change, status, message) => {
    shop = await startShop();
    const form: Record<string, string | undefined> = { ...BUY, duration_months: '12', idempotency_key: await freshKey(shop), ...change };
    const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined));
    const res = await request(shop.target).post('/buy').type('form').send(body);
    expect(res.status).toBe(status);
    expect(res.text).toContain(message);
    expect(res.text).toContain('<form class="panel buy-form"');
    if (!('duration_months' in change)) expect(res.text).toMatch(/value="12" data-label="12 months" checked/);
    expect(shop.orders()).toHaveLength(0);
    expect((await stubApi(shop.stub!, '/orders')).items).toHaveLength(0);
  });

  it('when a field is repeated, then it is refused as unreadable (400), not a 500', async () => {
    shop = await startShop();
    const key = await freshKey(shop);
    const res = await request(shop.target).post('/buy').type('form').send(`plan=s1&plan=s2&duration_months=1&credit_usd=0&language=en&idempotency_key=${key}`);
    expect(res.status).toBe(400);
    expect(shop.orders()).toHaveLength(0);
  });

  it('when an API client asks for JSON, then a refused form answers {"error": …}', async () => {
    shop = await startShop();
    const res = await request(shop.target).post('/buy').set('Accept', 'application/json').type('form').send({ ...BUY, plan: 'nope', idempotency_key: await freshKey(shop) });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ error: expect.stringContaining('Please choose one of the plans') });
  });

  it('when the API key was rotated, then the customer sees "temporarily unavailable" (503) and the operator a log line naming MINTOFFICE_API_KEY, without the key', async () => {
    shop = await startShop();
    const oldKey = shop.stub!.apiKey();
    const key = await freshKey(shop);
    await stubControl(shop.stub!, 'rotate-key');
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: key });
    expect(res.status).toBe(503);
    expect(res.text).toContain('temporarily unavailable');
    expect(res.text).toContain('value="3" data-label="3 months" checked');
    const line = shop.logs.find((l) => l.level === 50 && String(l.msg).includes('MINTOFFICE_API_KEY'));
    expect(line).toMatchObject({ code: 'invalid_api_key', reqId: expect.any(String) });
    expect(shop.rawLogs()).not.toContain(oldKey);
    expect(shop.orders()[0]).toMatchObject({ status: 'create_failed', error_message: expect.stringContaining('credentials') });
  });

  it('when no API key is configured, then 503 and a log line saying to set it', async () => {
    shop = await startShop({ env: { MINTOFFICE_API_KEY: '' } });
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, credit_usd: '0', idempotency_key: await freshKey(shop) });
    expect(res.status).toBe(503);
    expect(shop.logs.some((l) => l.level === 50 && String(l.msg).includes('MINTOFFICE_API_KEY is not set'))).toBe(true);
  });

  it('when the partner account is not live, then 503 and a log line saying to finish onboarding', async () => {
    shop = await startShop({ stub: { partnerStatus: 'onboarding' } });
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: await freshKey(shop) });
    expect(res.status).toBe(503);
    expect(shop.logs.some((l) => l.level === 50 && String(l.msg).includes('partner_not_live'))).toBe(true);
  });

  it('when every deploy slot is taken, then the customer sees a sold-out message, not an error page', async () => {
    shop = await startShop({ stub: { deployQuota: 0 } });
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: await freshKey(shop) });
    expect(res.status).toBe(503);
    expect(res.text).toContain('Sold out');
    expect(res.text).toContain('Nothing was charged');
    expect(shop.orders()[0]!.status).toBe('create_failed');
  });

  it('when the payment gateway refuses the checkout session, then 502 in the shop’s words with a reference from the log, never the provider’s message, and the form kept', async () => {
    shop = await startShop();
    await stubControl(shop.stub!, 'faults', { payment_gateway_error: 1 });
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: await freshKey(shop) });
    expect(res.status).toBe(502);
    expect(res.text).toContain('We could not place this order. Nothing was charged.');
    expect(res.text).not.toMatch(/stripe|payment_gateway_error|checkout session/i);
    const reference = /Reference: <code>([^<]+)<\/code>/.exec(res.text)![1]!;
    expect(shop.logs.find((l) => l.reqId === reference && l.code === 'payment_gateway_error')).toBeDefined();
    expect(res.text).toContain('name="plan" value="s1" data-name="Starter" data-price-cents="1200" checked');
  });

  it('when the failed form is posted again (a refresh), then the same ref and key are retried and one order results', async () => {
    shop = await startShop();
    await stubControl(shop.stub!, 'faults', { payment_gateway_error: 1 });
    const key = await freshKey(shop);
    const failed = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: key });
    expect(failed.status).toBe(502);
    const retried = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: key });
    expect(retried.status).toBe(303);
    expect(shop.orders()).toHaveLength(1);
    expect(shop.orders()[0]!.status).toBe('awaiting_payment');
    const apiOrders = (await stubApi(shop.stub!, '/orders')).items;
    expect(apiOrders).toHaveLength(1);
    expect(apiOrders[0].external_id).toBe(shop.orders()[0]!.ref);
  });
});

describe('POST /buy against a failing API', () => {
  it('when the API is unreachable, then 502 "could not reach", the form again, and the row says create_failed', async () => {
    shop = await shopWithFakeApi();
    fake!.script({ drop: true });
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: await freshKey(shop) });
    expect(res.status).toBe(502);
    expect(res.text).toContain('could not reach the payment service');
    expect(shop.orders()[0]).toMatchObject({ status: 'create_failed', error_message: expect.stringContaining('unreachable') });
  });

  it('when the API hangs past the timeout, then 502 within the timeout, not a hung page', async () => {
    shop = await shopWithFakeApi({ env: { MINTOFFICE_TIMEOUT_SECONDS: '1' } });
    fake!.script({ hang: true });
    const started = performance.now();
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: await freshKey(shop) });
    expect(res.status).toBe(502);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('when the API answers something that is not the contract, then 502 "answered unexpectedly"', async () => {
    shop = await shopWithFakeApi();
    fake!.script({ status: 201, raw: '<html>captive portal</html>' });
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: await freshKey(shop) });
    expect(res.status).toBe(502);
    expect(res.text).toContain('answered unexpectedly');
  });

  it('when the API rejects the order, then 502 with a plain message and the API’s own message only in the log', async () => {
    shop = await shopWithFakeApi();
    fake!.script({ status: 422, body: apiError('validation_error', 'success_url: must be an https URL') });
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: await freshKey(shop) });
    expect(res.status).toBe(502);
    expect(res.text).toContain('We could not place this order');
    expect(res.text).not.toContain('success_url');
    expect(res.text).not.toContain('validation_error');
    expect(shop.logs.find((l) => l.message === 'success_url: must be an https URL')).toMatchObject({ reqId: expect.any(String) });
  });

  it('when the API rate-limits us for long, then 503 with Retry-After and how long to wait', async () => {
    shop = await shopWithFakeApi();
    fake!.script({ status: 429, body: apiError('rate_limited', 'slow down'), headers: { 'retry-after': '30' } });
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: await freshKey(shop) });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.text).toContain('try again in 30 seconds');
  });

  it('when the API’s checkout_url is not an http(s) URL, then the customer is not redirected to it', async () => {
    shop = await shopWithFakeApi();
    fake!.script({ status: 201, body: apiOrder({ checkout_url: 'javascript:alert(1)' }) });
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: await freshKey(shop) });
    expect(res.status).toBe(502);
    expect(res.headers.location).toBeUndefined();
  });

  it('when the first attempts fail and a retry succeeds, then every attempt carried the form’s key as Idempotency-Key and the same body with the ref as external_id', async () => {
    shop = await shopWithFakeApi({ env: { MINTOFFICE_RETRIES: '2' } });
    fake!.script({ status: 503, raw: '' }, { drop: true }, { status: 201, body: apiOrder() });
    const key = await freshKey(shop);
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, idempotency_key: key });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('https://checkout.stripe.com/c/pay/cs_test_fake');
    const posts = fake!.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.headers['idempotency-key'])).toEqual([key, key, key]);
    const ref = shop.orders()[0]!.ref;
    for (const post of posts) {
      expect(JSON.parse(post.body)).toEqual({
        tier: 's1',
        duration_months: 3,
        credit_usd: 10,
        language: 'en',
        external_id: ref,
        success_url: `${shop.baseUrl}/thank-you?ref=${ref}&paid=1`,
        cancel_url: `${shop.baseUrl}/cancel?plan=s1&duration_months=3&credit_usd=10&language=en`,
        // The checkout's line item carries the shop's brand, not "S1 · 3 months".
        product_name: 'ExampleAI Starter · 3 months',
      });
    }
  });
});
