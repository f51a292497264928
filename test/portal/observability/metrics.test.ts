import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { sign } from '../../../src/contract/index.js';
import { VALID } from '../partners/helpers.js';
import { formKey, startShop, type Shop } from '../shop/helpers.js';
import { createTestPortal, type TestPortal } from '../../support/portal.js';
import { startTestStub, type TestStub } from '../../support/stub.js';

const TOKEN = 'metrics-token-0123456789abcdef';
const SECRET = 'whsec_test_0123456789abcdef';
let portal: TestPortal | undefined;
let shop: Shop | undefined;
let stub: TestStub | undefined;
afterEach(async () => {
  await portal?.close();
  await shop?.close();
  await stub?.close();
  portal = shop = stub = undefined;
});

const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

/** One value of a Prometheus text exposition, e.g. value(text, 'portal_orders{status="pending"}'). */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics: who may read it', () => {
  it('when nobody signs in, then 401; with the admin password or METRICS_TOKEN as a bearer token, then the Prometheus text', async () => {
    portal = createTestPortal({ METRICS_TOKEN: TOKEN });
    expect((await request(portal.handler).get('/metrics')).status).toBe(401);
    expect((await request(portal.handler).get('/metrics').set('Authorization', `Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await request(portal.handler).get('/metrics').set('Authorization', basic('wrong-password'))).status).toBe(401);
    for (const auth of [`Bearer ${TOKEN}`, basic('correct-horse-battery')]) {
      const res = await request(portal.handler).get('/metrics').set('Authorization', auth);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.text).toContain('# TYPE portal_webhook_deliveries_total counter');
      expect(res.text).toContain('process_resident_memory_bytes');
    }
  });

  it('when neither ADMIN_PASSWORD nor METRICS_TOKEN is set, then 503 and nothing is shown', async () => {
    portal = createTestPortal({ ADMIN_PASSWORD: '' });
    const res = await request(portal.handler).get('/metrics').set('Accept', 'text/plain');
    expect(res.status).toBe(503);
    expect(res.text).not.toContain('portal_');
  });
});

describe('GET /metrics: what it counts', () => {
  it('when webhooks arrive, then deliveries are counted by verdict and their ingest time observed', async () => {
    portal = createTestPortal({ METRICS_TOKEN: TOKEN });
    const body = JSON.stringify({ id: 7, status: 'completed', external_id: null });
    const post = (signature: string) =>
      request(portal!.handler)
        .post('/webhooks/mintoffice')
        .set('content-type', 'application/json')
        .set('x-mintbot-signature', signature)
        .set('x-mintbot-event-id', 'evt_7_order.paid_1')
        .set('x-mintbot-event-type', 'order.paid')
        .send(body);
    expect((await post(sign(SECRET, body))).status).toBe(200);
    expect((await post(sign(SECRET, body))).status).toBe(200); // a replay
    expect((await post(sign('whsec_someone_else_0123', body))).status).toBe(401);
    const text = (await request(portal.handler).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).text;
    expect(value(text, 'portal_webhook_deliveries_total{verdict="stored"}')).toBe(1);
    expect(value(text, 'portal_webhook_deliveries_total{verdict="replayed"}')).toBe(1);
    expect(text).toMatch(/portal_webhook_deliveries_total\{verdict="signature_[a-z_]+"\} 1/);
    expect(value(text, 'portal_webhook_ingest_seconds_count')).toBe(3);
  });

  it('when a customer buys, then the API call is timed by endpoint and outcome and the order counted by status', async () => {
    shop = await startShop({ env: { METRICS_TOKEN: TOKEN } });
    const form = await request(shop.target).get('/buy?plan=s1');
    const buy = await request(shop.target)
      .post('/buy')
      .type('form')
      .send({ plan: 's1', duration_months: '1', credit_usd: '0', language: 'en', idempotency_key: formKey(form.text) });
    expect(buy.status).toBe(303);
    const text = (await request(shop.target).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).text;
    expect(value(text, 'portal_api_call_duration_seconds_count{endpoint="POST /orders",outcome="ok"}')).toBe(1);
    expect(value(text, 'portal_api_call_duration_seconds_count{endpoint="GET /settings",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    const status = shop.orders()[0]!.status;
    expect(value(text, `portal_orders{status="${status}"}`)).toBe(1);
  });

  it('when an inquiry waits for INQUIRY_NOTIFY_URL, then the outbox depth says so', async () => {
    portal = createTestPortal({ METRICS_TOKEN: TOKEN, INQUIRY_NOTIFY_URL: 'http://127.0.0.1:9/inquiries', INQUIRY_RATE_LIMIT: '100' });
    const read = async () => value((await request(portal!.handler).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).text, 'portal_inquiry_outbox_pending');
    expect(await read()).toBe(0);
    expect((await request(portal.app).post('/api/partner').set('Accept', 'application/json').send(VALID)).status).toBe(200);
    expect(await read()).toBe(1);
  });
});

describe('the stub\'s GET /metrics', () => {
  it('when orders are created, then requests are counted by route and status and the webhook queue by state', async () => {
    stub = await startTestStub({ webhookUrl: 'http://127.0.0.1:9/webhooks' });
    const create = await fetch(`${stub.url}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stub.apiKey()}`, 'content-type': 'application/json', 'idempotency-key': 'metrics-1' },
      body: JSON.stringify({ tier: 's1', duration_months: 1, credit_usd: 10, success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/no' }),
    });
    expect(create.status).toBe(201);
    await fetch(`${stub.url}/api/v1/orders/999999`, { headers: { authorization: `Bearer ${stub.apiKey()}` } });
    await stub.idle();
    const text = await (await fetch(`${stub.url}/metrics`)).text();
    expect(value(text, 'stub_http_requests_total{route="/api/v1/orders",status="201"}')).toBe(1);
    expect(value(text, 'stub_http_requests_total{route="/api/v1/orders/:id",status="404"}')).toBe(1);
    // The receiver is down: the order.created delivery waits for its retry.
    expect(value(text, 'stub_webhook_deliveries{state="pending"}')).toBe(1);
    expect(value(text, 'stub_webhook_deliveries{state="exhausted"}')).toBe(0);
  });
});
