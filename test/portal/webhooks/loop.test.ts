import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sign } from '../../../src/contract/index.js';
import { rows } from '../../support/database.js';
import { startTestPortal } from '../../support/portal.js';
import { startTestStub, type TestStub } from '../../support/stub.js';
import { freePort } from '../../../src/lib/net.js';

const KEY = 'mo_test_loop_0123456789abcdef';
const SECRET = 'whsec_loop_0123456789abcdef';
const ADMIN_PASSWORD = 'correct-horse-battery';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.reverse()) await close();
  cleanup = [];
});

interface Delivery {
  event_id: string;
  event_type: string;
  order_id: number;
  state: string;
  attempts: number;
}

describe('the whole loop: buy on the portal, pay on the stub, the stub delivers, admin shows it', () => {
  it('when an order is bought and paid, then every event the stub sends appears once in /admin, and the status page and timeline agree', async () => {
    const stubPort = await freePort();
    const portal = await startTestPortal({
      MINTOFFICE_API_URL: `http://127.0.0.1:${stubPort}`,
      MINTOFFICE_API_KEY: KEY,
      MINTOFFICE_WEBHOOK_SECRET: SECRET,
      ADMIN_PASSWORD,
    });
    cleanup.push(() => portal.close());
    const stub: TestStub = await startTestStub({ port: stubPort, apiKey: KEY, webhookSecret: SECRET, webhookUrl: `${portal.url}/webhooks/mintoffice` });
    cleanup.push(() => stub.close());
    await portal.deps.settings.refresh();

    // Buy: the portal's form → 303 to the stub's checkout.
    const buy = await request(portal.url)
      .post('/buy')
      .type('form')
      .send({ plan: 's1', duration_months: '1', credit_usd: '0', language: 'en', idempotency_key: randomUUID() });
    expect(buy.status).toBe(303);
    const checkout = new URL(buy.headers.location!);
    expect(checkout.origin).toBe(stub.url);

    // Pay on the stub's fake checkout.
    const paid = await request(checkout.origin).post(`${checkout.pathname}/pay`).type('form').send({ card_number: '4242424242424242' });
    expect(paid.status).toBe(303);
    const ref = new URL(paid.headers.location!).searchParams.get('ref')!;
    expect(ref).toBeTruthy();

    // The stub delivers order.created, order.paid, agent.provisioning_started, agent.ready.
    let deliveries: Delivery[] = [];
    await vi.waitFor(
      async () => {
        await stub.idle();
        const res = await request(stub.url).get('/_stub/deliveries').set('Authorization', `Bearer ${stub.apiKey()}`);
        deliveries = (res.body as { items: Delivery[] }).items;
        expect(deliveries.map((d) => d.event_type).sort()).toEqual(['agent.provisioning_started', 'agent.ready', 'order.created', 'order.paid']);
        expect(deliveries.every((d) => d.state === 'delivered')).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
    const apiOrderId = deliveries[0]!.order_id;

    // A replay of one delivery (what a retry after a lost answer looks like) is answered 200 and stored once.
    const [row] = (await rows(portal, 'SELECT payload FROM webhook_events WHERE event_id = @id', { id: deliveries[0]!.event_id })) as [{ payload: string }];
    const replay = await request(portal.url)
      .post('/webhooks/mintoffice')
      .set('X-Mintbot-Signature', sign(SECRET, row.payload))
      .set('X-Mintbot-Event-Id', deliveries[0]!.event_id)
      .set('X-Mintbot-Event-Type', deliveries[0]!.event_type)
      .send(row.payload);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ received: true, duplicate: true });

    // /admin shows each delivered event exactly once.
    const admin = await request(portal.url).get(`/admin?q=${apiOrderId}`).auth('admin', ADMIN_PASSWORD);
    const shown = [...admin.text.matchAll(/<code class="event-id">([^<]*)<\/code>/g)].map((m) => m[1]);
    expect([...shown].sort()).toEqual(deliveries.map((d) => d.event_id).sort());
    expect(new Set(shown).size).toBe(shown.length);

    // The customer's status page and the admin timeline agree with the events.
    const status = await request(portal.url).get(`/thank-you/status?ref=${ref}`);
    expect(status.body.status).toBe('ready');
    const detail = await request(portal.url).get(`/admin/orders/${ref}`).auth('admin', ADMIN_PASSWORD);
    expect(detail.text).toMatch(/<h1>Order <code class="ref">[^<]+<\/code><\/h1>\s*<span class="pill ok">Ready<\/span>/);
    const timeline = [...detail.text.matchAll(/<span class="badge badge-\w+">([^<]+)<\/span>/g)].map((m) => m[1]);
    expect(timeline).toEqual(['Order created', 'Paid', 'Setting up agent', 'Agent ready']);
    const [order] = (await rows(portal, 'SELECT status, api_order_id, panel_url, expires_at FROM orders WHERE ref = @ref', { ref })) as [Record<string, unknown>];
    expect(order).toMatchObject({ status: 'ready', api_order_id: apiOrderId });
    expect(order['panel_url']).toMatch(/^https?:\/\//);
    expect(order['expires_at']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    // The partner page shows the paid order's revenue: a server-drawn chart and the ledger row.
    const partner = await request(portal.url).get('/admin/partner').auth('admin', ADMIN_PASSWORD);
    expect(partner.status).toBe(200);
    expect(partner.text).toMatch(/<svg viewBox="0 0 600 180" role="img"/);
    expect(partner.text).toMatch(/<rect x="\d+" y="\d+" width="\d+" height="1[0-9]{2}" class="bar">/);
    expect(partner.text).toContain(`<a href="/admin?q=${apiOrderId}">${apiOrderId}</a>`);
  });
});
