import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../src/portal/store/postgres/migrations.js';
import { VALID } from '../portal/partners/helpers.js';
import { BUY, checkoutAction, formKey } from '../portal/shop/helpers.js';
import { evt, orderPayload, sendEvent } from '../portal/webhooks/send.js';
import { startTestStub } from '../support/stub.js';
import { ADMIN_PASSWORD, Fleet, holdingReceiver } from './processes.js';

// Two real portal processes (`npm start`) on one PostgreSQL database.
const fleet = new Fleet();
beforeAll(() => fleet.setUp(), 60_000);
afterAll(() => fleet.tearDown());
beforeEach(() => fleet.newDatabase());
afterEach(() => fleet.stopAll());

// Real processes on a shared, loaded machine: start-ups and lease expiries take seconds.
vi.setConfig({ testTimeout: 60_000 });

const pollerHolder = async () => (await fleet.sql.get<{ value: string }>("SELECT value FROM kv WHERE key = 'order-poller'"))?.value;
const count = async (table: string) => (await fleet.sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;

describe('two portal processes on one PostgreSQL', () => {
  it('when both start at once on an empty database, then both come up and each migration ran exactly once', async () => {
    await Promise.all([fleet.start(), fleet.start()]);
    const versions = await fleet.sql.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((v) => v.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
  });

  it('when the same event is delivered to both at once, then it is stored once and changes its order once', async () => {
    const [a, b] = await Promise.all([fleet.start(), fleet.start()]);
    const t = 1_747_371_234_000;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const id = evt(100 + i, 'order.paid', t + i);
        const body = orderPayload(100 + i, { status: 'completed' });
        return Promise.all([sendEvent(a.url, body, { id, type: 'order.paid' }), sendEvent(b.url, body, { id, type: 'order.paid' })]);
      }),
    );
    for (const pair of answers) {
      expect(pair.map((r) => r.status)).toEqual([200, 200]);
      // One of the two stored it; the other saw it already stored.
      expect(pair.map((r) => Boolean(r.body.duplicate)).sort()).toEqual([false, true]);
    }
    expect(await count('webhook_events')).toBe(20);
    expect(await count('orders')).toBe(20);
    const statuses = await fleet.sql.all<{ status: string }>('SELECT DISTINCT status FROM orders');
    expect(statuses).toEqual([{ status: 'paid' }]);
  });

  it('when the events of each order arrive out of order, split across both, then every order ends in its latest state', async () => {
    const [a, b] = await Promise.all([fleet.start(), fleet.start()]);
    const t = 1_747_371_234_000;
    const steps = [
      ['order.created', 'pending'],
      ['order.paid', 'completed'],
      ['agent.provisioning_started', 'completed'],
      ['agent.ready', 'deployed'],
    ] as const;
    const sends = [];
    for (let order = 200; order < 212; order++) {
      // Newest first for even orders, a shuffle for odd ones; each event to one process.
      const sequence = order % 2 === 0 ? [3, 2, 1, 0] : [2, 0, 3, 1];
      for (const [n, step] of sequence.entries()) {
        const [type, status] = steps[step]!;
        const target = (order + n) % 2 === 0 ? a.url : b.url;
        const extra = type === 'agent.ready' ? { panel_url: `https://agent${order}.example.com` } : {};
        sends.push(sendEvent(target, orderPayload(order, { status, ...extra }), { id: evt(order, type, t + step * 1000), type }));
      }
    }
    const answers = await Promise.all(sends);
    expect(answers.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const orders = await fleet.sql.all<{ api_order_id: number; status: string; panel_url: string }>('SELECT api_order_id, status, panel_url FROM orders ORDER BY api_order_id');
    expect(orders).toHaveLength(12);
    for (const o of orders) expect(o).toEqual({ api_order_id: o.api_order_id, status: 'ready', panel_url: `https://agent${o.api_order_id}.example.com` });
    // The admin page's totals, kept by triggers from both processes' transactions, match the rows.
    const kept = await fleet.sql.all<{ event_type: string; n: number }>('SELECT event_type, CAST(sum(n) AS BIGINT) AS n FROM webhook_event_counts GROUP BY event_type ORDER BY event_type');
    const counted = await fleet.sql.all<{ event_type: string; n: number }>('SELECT event_type, count(*) AS n FROM webhook_events GROUP BY event_type ORDER BY event_type');
    expect(kept).toEqual(counted);
    expect(counted.reduce((sum, row) => sum + row.n, 0)).toBe(48);
  });

  it('when inquiries arrive at both while both deliver the outbox, then each is delivered exactly once', async () => {
    const receiver = await holdingReceiver();
    try {
      const env = { INQUIRY_NOTIFY_URL: receiver.url, INQUIRY_RATE_LIMIT: '1000' };
      const [a, b] = await Promise.all([fleet.start(env), fleet.start(env)]);
      const posted = await Promise.all(
        Array.from({ length: 16 }, (_, i) => request(i % 2 ? a.url : b.url).post('/api/partner').send({ ...VALID, name: `Applicant ${i}` })),
      );
      expect(posted.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
      await vi.waitFor(async () => expect(await fleet.sql.get("SELECT count(*) AS n FROM inquiry_outbox WHERE state = 'delivered'")).toEqual({ n: 16 }), { timeout: 15_000, interval: 100 });
      expect(receiver.ids).toHaveLength(16);
      expect(new Set(receiver.ids).size).toBe(16);
    } finally {
      await receiver.close();
    }
  });

  it('when a process is killed mid-delivery, then the other delivers that inquiry once its claim runs out', async () => {
    const receiver = await holdingReceiver();
    try {
      const env = { INQUIRY_NOTIFY_URL: receiver.url, INQUIRY_NOTIFY_TIMEOUT_SECONDS: '1' };
      receiver.hold = true;
      const a = await fleet.start(env);
      expect((await request(a.url).post('/api/partner').send(VALID)).status).toBe(200);
      await receiver.waitFor(1); // a is sending it, and the endpoint has not answered
      await a.kill();
      receiver.hold = false;
      await fleet.start(env);
      await vi.waitFor(async () => expect(await fleet.sql.get('SELECT state, attempts FROM inquiry_outbox')).toEqual({ state: 'delivered', attempts: 1 }), { timeout: 15_000, interval: 100 });
      // At least once: the killed attempt may have reached the endpoint; the id lets it de-duplicate.
      expect(receiver.ids).toHaveLength(2);
      expect(new Set(receiver.ids).size).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it('when sign-in failures and inquiries come from one address to both, then the limits count them together', async () => {
    const env = { INQUIRY_RATE_LIMIT: '3', INQUIRY_RATE_WINDOW_SECONDS: '600' };
    const [a, b] = await Promise.all([fleet.start(env), fleet.start(env)]);
    // Five failures from one address for one username, split across both: the sixth try backs off.
    for (let i = 0; i < 5; i++) {
      expect((await request(i % 2 ? a.url : b.url).get('/admin').auth('admin', 'wrong-password')).status).toBe(401);
    }
    expect((await request(a.url).get('/admin').auth('admin', ADMIN_PASSWORD)).status).toBe(429);
    expect((await request(b.url).get('/admin').auth('admin', ADMIN_PASSWORD)).status).toBe(429);

    expect((await request(a.url).post('/api/partner').send(VALID)).status).toBe(200);
    expect((await request(b.url).post('/api/partner').send(VALID)).status).toBe(200);
    expect((await request(a.url).post('/api/partner').send(VALID)).status).toBe(200);
    expect((await request(b.url).post('/api/partner').send(VALID)).status).toBe(429);
    expect(await count('inquiries')).toBe(3);
  });

  it('when both poll the API (no webhook secret), then one polls at a time, the other takes over when it dies, and settings are shared', async () => {
    const stub = await startTestStub();
    try {
      const env = { MINTOFFICE_API_URL: stub.url, MINTOFFICE_API_KEY: stub.apiKey(), MINTOFFICE_WEBHOOK_SECRET: '', ORDER_POLL_SECONDS: '2', CHECKOUT_ORIGINS: new URL(stub.url).origin };
      const a = await fleet.start(env);
      await vi.waitFor(async () => expect(await fleet.sql.get("SELECT count(*) AS n FROM kv WHERE key = 'settings'")).toEqual({ n: 1 }), { timeout: 10_000, interval: 100 });
      // b cannot reach the API at all, yet shows the prices a fetched.
      const b = await fleet.start({ ...env, MINTOFFICE_API_URL: 'http://127.0.0.1:9' });
      expect((await request(b.url).get('/buy?plan=s1')).text).toMatch(/\$\d/);

      const bought = async (url: string) => {
        const page = await request(url).get(`/buy?plan=${BUY.plan}`);
        const res = await request(url).post('/buy').type('form').send({ ...BUY, idempotency_key: formKey(page.text) });
        expect(res.status).toBe(303);
        expect((await checkoutAction(res.headers.location as string, 'pay')).status).toBe(303);
        return new URL(res.headers.location as string).pathname.split('/').pop()!;
      };
      const statusOf = async (url: string) => (await fleet.sql.get<{ status: string }>('SELECT status FROM orders WHERE checkout_url LIKE @url', { url: `%${url}` }))?.status;

      const first = await bought(a.url);
      await vi.waitFor(async () => expect(await statusOf(first)).toBe('ready'), { timeout: 15_000, interval: 100 });
      // a holds the poller's turn (b, whose every API call fails, stands by).
      expect(await pollerHolder()).toMatch(new RegExp(`:${a.process.child.pid}:`));
      expect(b.process.stdout()).not.toContain('order poll failed');

      // a dies; once its turn runs out, c takes over the polling.
      await b.stop();
      await a.kill();
      const c = await fleet.start(env);
      const second = await bought(c.url);
      await vi.waitFor(async () => expect(await statusOf(second)).toBe('ready'), { timeout: 30_000, interval: 100 });
      expect(await pollerHolder()).toMatch(new RegExp(`:${c.process.child.pid}:`));
    } finally {
      await stub.close();
    }
  });
});
