import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { PackageCatalog, parseApiTime, Settings, Subscription, WebhookPayload, type CatalogPackage } from '../../src/contract/index.js';
import { startReceiver, startTestStub, type Receiver, type ReceivedRequest, type TestStub } from '../support/stub.js';

/**
 * The platform's reference storefront (mintbot-ai/partner-portal-example) run against the real
 * stub, as far as the stub can see it: the requests its client sends (paths, headers, bodies) and
 * the answers its own tests expect. It reads the catalog, buys each package's durations with and
 * without credit, signs up for a subscription; its webhook receiver checks every delivery with
 * the spec's verify().
 */
const SHOP = 'https://acmeai.example.test';
const BRAND = 'AcmeAI';
const FAILS_LATER_CARD = '4000 0000 0000 9995';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** The spec's Node.js verify(), as published ("Verifying the signature"). */
function specVerify(secret: string, rawBody: Buffer, header: string, toleranceSec = 300): boolean {
  const [tsPart, v1Part] = header.split(',');
  const ts = Number(tsPart!.split('=')[1]);
  const sig = v1Part!.split('=')[1]!;
  if (Math.abs(Date.now() / 1000 - ts) > toleranceSec) return false;
  const expected = createHmac('sha256', secret).update(`${ts}.`).update(rawBody).digest('hex');
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(sig, 'hex'));
}

/** The reference client's calls: bearer key, its User-Agent, JSON, an Idempotency-Key per POST. */
class ReferenceClient {
  constructor(private readonly stub: TestStub) {}

  private async call(method: 'GET' | 'POST', path: string, body?: object) {
    const res = await fetch(`${this.stub.url}/api/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.stub.apiKey()}`,
        'User-Agent': 'partner-portal-example/0.3',
        ...(body ? { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  catalog() {
    return this.call('GET', '/catalog');
  }

  settings() {
    return this.call('GET', '/settings');
  }

  /** POST /buy → create_order: the package's label in a branded product_name, credit always sent. */
  createOrder(pkg: CatalogPackage, months: number, creditUsd: number, language = 'en') {
    const duration = pkg.durations.find((d) => d.months === months)!;
    return this.call('POST', '/orders', {
      tier: pkg.tier,
      duration_months: months,
      credit_usd: creditUsd,
      language,
      success_url: `${SHOP}/thank-you?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${SHOP}/cancel`,
      product_name: `${BRAND} ${pkg.display_name} · ${duration.label}`,
    });
  }

  /** POST /extend → create_subscription: no duration_months, no credit_usd. */
  createSubscription(pkg: CatalogPackage, email: string | null, language = 'et') {
    return this.call('POST', '/subscriptions', {
      tier: pkg.tier,
      currency: 'usd',
      language,
      success_url: `${SHOP}/thank-you?session_id={CHECKOUT_SESSION_ID}&kind=subscription`,
      cancel_url: `${SHOP}/cancel?kind=subscription`,
      customer_email: email,
      product_name: `${BRAND} ${pkg.display_name} · monthly`,
    });
  }
}

/** What the customer does on the checkout page the client redirected to. */
async function payOnCheckout(checkoutUrl: string, card = '4242 4242 4242 4242') {
  const page = await fetch(checkoutUrl);
  const html = await page.text();
  const res = await fetch(`${checkoutUrl}/pay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ card_number: card }),
    redirect: 'manual',
  });
  return { html, status: res.status, location: res.headers.get('location') };
}

async function setup(overrides: Parameters<typeof startTestStub>[0] = {}) {
  const receiver = await startReceiver();
  cleanup.push(() => receiver.close());
  const stub = await startTestStub({ webhookUrl: receiver.url, deployQuota: 100, ...overrides });
  cleanup.push(() => stub.close());
  const client = new ReferenceClient(stub);
  const catalog = PackageCatalog.strict().parse((await client.catalog()).json);
  return { receiver, stub, client, catalog, pkg: (tier: string) => catalog.packages.find((p) => p.tier === tier)! };
}

async function advance(stub: TestStub, seconds: number) {
  const res = await fetch(`${stub.url}/_stub/clock`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stub.apiKey()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ advance_seconds: Math.max(0, Math.ceil(seconds)) }),
  });
  expect(res.status).toBe(200);
}

/** Advances the stub clock to just past an API time. */
const advancePast = (stub: TestStub, apiTime: string) => advance(stub, (parseApiTime(apiTime) - stub.clock.now()) / 1000 + 1);

async function getJson(stub: TestStub, path: string) {
  const res = await fetch(`${stub.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${stub.apiKey()}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

const subscriptionOf = async (stub: TestStub, id: number) => Subscription.strict().parse(await getJson(stub, `/subscriptions/${id}`));

/** Every delivery verifies with the spec's recipe; returns them as (type, payload). */
function verifiedEvents(stub: TestStub, receiver: Receiver) {
  return receiver.requests.map((req: ReceivedRequest) => {
    expect(specVerify(stub.webhookSecret, req.rawBody, req.headers['x-mintbot-signature'] as string)).toBe(true);
    return { type: req.headers['x-mintbot-event-type'] as string, payload: WebhookPayload.strict().parse(req.json) };
  });
}

describe('the reference storefront against the stub', () => {
  it('when it reads the catalog, then it gets the spec tiers with prices that agree with GET /settings, and no 404', async () => {
    const { client, catalog } = await setup();
    const settings = Settings.strict().parse((await client.settings()).json);
    expect(catalog.currency).toBe(settings.pricing.currency);
    expect(catalog.packages.map((p) => p.tier)).toEqual(Object.keys(settings.pricing.tiers));
    for (const pkg of catalog.packages) {
      const monthly = settings.pricing.tiers[pkg.tier]!.price_cents;
      for (const duration of pkg.durations) expect(duration.price_cents).toBe(monthly * duration.months);
      expect(pkg.subscription).toEqual(pkg.tier === 'trial' ? { available: false, price_cents: null } : { available: true, price_cents: monthly });
    }
    expect(catalog.packages.find((p) => p.tier === 'trial')!.durations).toEqual([{ months: 1, label: '24 hours', price_cents: 0 }]);
    expect(catalog.credit_options).toEqual(settings.allowed_credit_options!.map((usd) => ({ usd, price_cents: 0 })));
  });

  it('when it buys every package for every duration with and without credit, then each is accepted, priced as listed, branded on checkout and provisioned', async () => {
    const { stub, receiver, client, catalog } = await setup();
    const bought: { id: number; productName: string }[] = [];
    for (const pkg of catalog.packages) {
      for (const duration of pkg.durations) {
        for (const credit of [0, catalog.credit_options[0]!.usd]) {
          const res = await client.createOrder(pkg, duration.months, credit);
          expect(res.status, JSON.stringify(res.json)).toBe(201);
          expect(res.json).toMatchObject({ status: 'awaiting_payment', amount_cents: duration.price_cents, currency: 'usd' });
          const productName = `${BRAND} ${pkg.display_name} · ${duration.label}`;
          const paid = await payOnCheckout(res.json.checkout_url as string);
          expect(paid.html).toContain(`<h1>${productName}</h1>`);
          expect(paid.status).toBe(303);
          const session = new URL(res.json.checkout_url as string).pathname.split('/').pop();
          expect(paid.location).toBe(`${SHOP}/thank-you?session_id=${session}`);
          bought.push({ id: res.json.id as number, productName });
        }
      }
    }
    expect(bought).toHaveLength(2 * catalog.packages.reduce((n, p) => n + p.durations.length, 0));
    await advance(stub, 0);
    await receiver.waitFor(bought.length * 4);
    const ready = verifiedEvents(stub, receiver).filter((e) => e.type === 'agent.ready');
    expect(ready.map((e) => e.payload.id).sort((a, b) => a - b)).toEqual(bought.map((b) => b.id));
    for (const { payload } of ready) expect(payload.product_name).toBe(bought.find((b) => b.id === payload.id)!.productName);
  });

  it('when it subscribes and the card keeps paying, then three monthly renewals on the test clock each extend the agent and record revenue', async () => {
    const { stub, receiver, client, pkg } = await setup();
    const s2 = pkg('s2');
    const res = await client.createSubscription(s2, 'buyer@example.com');
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    expect(res.json).toMatchObject({ status: 'pending', amount_cents: s2.subscription.price_cents, currency: 'usd' });
    expect(res.json.checkout_url).toEqual(expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/checkout\/cs_test_/));
    const id = res.json.id as number;

    const paid = await payOnCheckout(res.json.checkout_url as string);
    expect(paid.html).toContain(`<h1>${BRAND} S2 · monthly</h1>`);
    expect(paid.html).toContain('value="buyer@example.com"');
    expect(paid.html).toContain('Renews every month');
    expect(paid.location).toMatch(new RegExp(`^${SHOP}/thank-you\\?session_id=cs_test_[\\w-]+&kind=subscription$`));
    await advance(stub, 0);

    let sub = await subscriptionOf(stub, id);
    expect(sub).toMatchObject({ status: 'active', renewals: 0, customer_email: 'buyer@example.com', language: 'et' });
    const order = await getJson(stub, `/orders/${sub.order_id}`);
    expect(order).toMatchObject({ status: 'deployed', subscription_id: id, subscription_status: 'active', duration_months: 1 });
    expect(sub.next_renewal_at).toBe(order.expires_at);

    for (let month = 1; month <= 3; month++) {
      const periodEnd = sub.next_renewal_at!;
      await advancePast(stub, periodEnd);
      sub = await subscriptionOf(stub, id);
      expect(sub).toMatchObject({ status: 'active', renewals: month });
      expect(parseApiTime(sub.next_renewal_at!)).toBeGreaterThan(parseApiTime(periodEnd) + 27 * 86400_000);
      expect((await getJson(stub, `/orders/${sub.order_id}`)).expires_at).toBe(sub.next_renewal_at);
    }

    const revenue = (await getJson(stub, '/revenue')).events as { gross_cents: number; partner_cut_cents: number }[];
    expect(revenue).toHaveLength(4);
    for (const event of revenue) expect(event).toMatchObject({ gross_cents: s2.subscription.price_cents, partner_cut_cents: 400 });

    // created, paid, provisioning_started, ready; then per month: created and paid (the renewal), ready.
    await receiver.waitFor(4 + 3 * 3);
    const events = verifiedEvents(stub, receiver);
    expect(events.every((e) => e.payload.subscription_id === id)).toBe(true);
    const renewalsPaid = events.filter((e) => e.type === 'order.paid' && e.payload.id !== sub.order_id);
    expect(renewalsPaid).toHaveLength(3);
    const readyAgain = events.filter((e) => e.type === 'agent.ready' && e.payload.id === sub.order_id).map((e) => e.payload.expires_at);
    expect(readyAgain).toHaveLength(4);
    expect(new Set(readyAgain).size).toBe(4);
    expect(events.some((e) => e.type === 'agent.expired')).toBe(false);
  });

  it('when a renewal charge fails (the pays-then-fails test card), then the agent expires and the subscription says payment_failed', async () => {
    const { stub, receiver, client, pkg } = await setup();
    const res = await client.createSubscription(pkg('s1'), 'late@example.com');
    await payOnCheckout(res.json.checkout_url as string, FAILS_LATER_CARD);
    await advance(stub, 0);
    const id = res.json.id as number;
    const active = await subscriptionOf(stub, id);
    expect(active.status).toBe('active');

    await advancePast(stub, active.next_renewal_at!);
    const failed = await subscriptionOf(stub, id);
    expect(failed).toMatchObject({ status: 'payment_failed', renewals: 0, next_renewal_at: null, current_period_end: active.next_renewal_at });
    expect(await getJson(stub, `/orders/${failed.order_id}`)).toMatchObject({ status: 'expired', subscription_status: 'payment_failed' });
    await receiver.waitFor(5);
    const expired = verifiedEvents(stub, receiver).filter((e) => e.type === 'agent.expired');
    expect(expired.map((e) => e.payload)).toEqual([expect.objectContaining({ id: failed.order_id, subscription_id: id, subscription_status: 'payment_failed' })]);
    expect((await getJson(stub, '/revenue')).events).toHaveLength(1);
  });

  it('when a subscription is cancelled, then the paid month runs out, nothing more is charged and the agent expires', async () => {
    const { stub, receiver, client, pkg } = await setup();
    const res = await client.createSubscription(pkg('s4'), null);
    await payOnCheckout(res.json.checkout_url as string);
    await advance(stub, 0);
    const id = res.json.id as number;
    const cancel = () =>
      fetch(`${stub.url}/api/v1/subscriptions/${id}/cancel`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${stub.apiKey()}`, 'Idempotency-Key': randomUUID() },
      });
    const answer = await cancel();
    expect(answer.status).toBe(200);
    const cancelled = Subscription.strict().parse(await answer.json());
    expect(cancelled).toMatchObject({ status: 'cancelled', next_renewal_at: null, customer_email: null });
    expect(cancelled.cancelled_at).not.toBeNull();
    expect((await cancel()).status).toBe(200);

    await advancePast(stub, cancelled.current_period_end!);
    expect(await subscriptionOf(stub, id)).toMatchObject({ status: 'cancelled', renewals: 0 });
    await receiver.waitFor(5);
    const events = verifiedEvents(stub, receiver);
    expect(events.filter((e) => e.type === 'order.paid')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'agent.expired', payload: { subscription_id: id, subscription_status: 'cancelled' } });
  });

  it('when an unpaid subscription is cancelled, then its checkout closes with order.cancelled', async () => {
    const { stub, receiver, client, pkg } = await setup();
    const res = await client.createSubscription(pkg('s1'), 'a@b.c');
    const id = res.json.id as number;
    const answer = await fetch(`${stub.url}/api/v1/subscriptions/${id}/cancel`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stub.apiKey()}`, 'Idempotency-Key': randomUUID() },
    });
    expect(await answer.json()).toMatchObject({ status: 'cancelled' });
    expect((await payOnCheckout(res.json.checkout_url as string)).status).toBe(409);
    await receiver.waitFor(2);
    expect(verifiedEvents(stub, receiver).map((e) => e.type)).toEqual(['order.created', 'order.cancelled']);
  });
});

describe('what the reference storefront is refused', () => {
  const subscriptionBody = (overrides: Record<string, unknown>) => ({
    tier: 's2',
    currency: 'usd',
    language: 'en',
    success_url: `${SHOP}/thank-you`,
    cancel_url: `${SHOP}/cancel`,
    ...overrides,
  });
  const post = (stub: TestStub, path: string, body: object, key: string | null = randomUUID()) =>
    fetch(`${stub.url}/api/v1${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stub.apiKey()}`, 'Content-Type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) },
      body: JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, json: (await res.json()) as { error?: { code: string; message: string } } }));

  it.each([
    [{ tier: 'trial' }, 'tier: must be one of s1, s2, s4 (the packages that can be subscribed)'],
    [{ tier: 'starter' }, 'tier: must be one of s1, s2, s4 (the packages that can be subscribed)'],
    [{ duration_months: 1 }, 'duration_months: is not accepted on a subscription (a subscription renews every month)'],
    [{ credit_usd: 10 }, 'credit_usd: is not accepted on a subscription (a subscription carries no chat credit)'],
    [{ currency: 'eur' }, 'currency: must be usd'],
    [{ customer_email: 'not-an-email' }, 'customer_email: must be an email address'],
    [{ language: undefined }, 'language: is required'],
  ])('when a subscription body has %j, then 422 validation_error says "%s"', async (overrides, message) => {
    const { stub } = await setup();
    const res = await post(stub, '/subscriptions', subscriptionBody(overrides));
    expect(res).toMatchObject({ status: 422, json: { error: { code: 'validation_error', message } } });
  });

  it('when a subscription is posted without an Idempotency-Key or twice with one, then 400, and the replay answers the same subscription', async () => {
    const { stub } = await setup();
    expect((await post(stub, '/subscriptions', subscriptionBody({}), null)).json.error?.code).toBe('missing_idempotency_key');
    const key = randomUUID();
    const first = await post(stub, '/subscriptions', subscriptionBody({}), key);
    const again = await post(stub, '/subscriptions', subscriptionBody({}), key);
    expect(again).toEqual(first);
    expect((await post(stub, '/subscriptions', subscriptionBody({ tier: 's4' }), key)).json.error?.code).toBe('idempotency_key_mismatch');
  });

  it('when every deploy slot is taken, then a subscription is quota_exceeded with the counts', async () => {
    const { stub } = await setup({ deployQuota: 1 });
    expect((await post(stub, '/subscriptions', subscriptionBody({}))).status).toBe(201);
    const res = await post(stub, '/subscriptions', subscriptionBody({}));
    expect(res).toMatchObject({ status: 422, json: { error: { code: 'quota_exceeded' }, deploys_used: 1, deploy_quota: 1 } });
  });

  it('when it asks for a subscription that does not exist, then 404 not_found', async () => {
    const { stub } = await setup();
    const res = await fetch(`${stub.url}/api/v1/subscriptions/999`, { headers: { Authorization: `Bearer ${stub.apiKey()}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
