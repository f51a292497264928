import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { sign } from '../../../src/contract/index.js';
import { createTestPortal, type TestPortal } from '../../support/portal.js';
import { evt, orderPayload, SECRET, sendEvent } from './send.js';

let portal: TestPortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

function count(table: string): number {
  return (portal!.deps.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}
function rejected(): Array<{ reason: string; event_id: string | null; event_type: string | null; body_excerpt: string }> {
  return portal!.deps.db.prepare('SELECT reason, event_id, event_type, body_excerpt FROM rejected_deliveries ORDER BY id').all() as never;
}
function orderByApiId(id: number) {
  return portal!.deps.db.prepare('SELECT * FROM orders WHERE api_order_id = ?').get(id) as Record<string, unknown> | undefined;
}
function insertLocalOrder(ref: string, apiOrderId: number | null, status = 'awaiting_payment'): void {
  portal!.deps.db
    .prepare(`INSERT INTO orders (ref, api_order_id, tier, duration_months, status, created_at, updated_at) VALUES (?, ?, 's1', 1, ?, ?, ?)`)
    .run(ref, apiOrderId, status, Date.now(), Date.now());
}

describe('webhook receiver: signatures', () => {
  it('when an event is signed with the secret, then it is stored exactly as sent and answered 200 with a request id', async () => {
    portal = createTestPortal();
    const res = await sendEvent(portal.handler, orderPayload(42), { id: 'evt_42_order.paid_1747371234567' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true });
    expect(res.headers['x-request-id']).toMatch(/^[\w-]{8,}$/);
    const row = portal!.deps.db.prepare('SELECT * FROM webhook_events').get() as Record<string, unknown>;
    expect(row).toMatchObject({ event_id: 'evt_42_order.paid_1747371234567', event_type: 'order.paid', api_order_id: 42, payload: JSON.stringify(orderPayload(42)) });
  });

  it('when the signature is wrong, stale, missing or malformed, then 401 without the reason, and no event is written', async () => {
    portal = createTestPortal();
    const body = orderPayload(7);
    const cases: Array<[string, Parameters<typeof sendEvent>[2]]> = [
      ['signature_mismatch', { secret: 'whsec_someone_else_000' }],
      ['signature_stale', { timestamp: Math.floor(Date.now() / 1000) - 301 }],
      ['signature_stale', { timestamp: Math.floor(Date.now() / 1000) + 400 }],
      ['signature_missing', { signature: null }],
      ['signature_malformed', { signature: 'v1=abc,t=1' }],
      ['signature_malformed', { signature: `t=${Math.floor(Date.now() / 1000)},v1=${'zz'.repeat(32)}` }],
    ];
    for (const [reason, options] of cases) {
      const res = await sendEvent(portal.handler, body, options);
      expect(res.status, reason).toBe(401);
      expect(res.text).not.toMatch(/stale|mismatch|malformed|missing/);
    }
    expect(count('webhook_events')).toBe(0);
    expect(count('orders')).toBe(0);
    expect(rejected().map((r) => r.reason)).toEqual(cases.map(([reason]) => reason));
  });

  it('when a signature was made 299 s ago, then it is still accepted (300 s tolerance)', async () => {
    portal = createTestPortal();
    const res = await sendEvent(portal.handler, orderPayload(7), { timestamp: Math.floor(Date.now() / 1000) - 299 });
    expect(res.status).toBe(200);
  });

  it('when the body has odd whitespace, key order and unicode escapes, then it verifies over the exact bytes and is kept byte for byte', async () => {
    portal = createTestPortal();
    const raw = '{ "status":"completed",\n\t"id" : 9,  "external_id":"caf\\u00e9 ☕", "tier":"s1" }';
    const ok = await sendEvent(portal.handler, raw, { id: 'evt_9_order.paid_1747371234567' });
    expect(ok.status).toBe(200);
    const stored = portal!.deps.db.prepare('SELECT payload, external_id FROM webhook_events').get() as { payload: string; external_id: string };
    expect(stored.payload).toBe(raw);
    expect(stored.external_id).toBe('café ☕');
    // The same JSON re-serialised does not match the signature made over the original bytes.
    const reserialised = JSON.stringify(JSON.parse(raw));
    const res = await request(portal.handler)
      .post('/webhooks/mintoffice')
      .set('X-Mintbot-Signature', sign(SECRET, raw))
      .set('X-Mintbot-Event-Id', 'evt_9_order.paid_1747371299999')
      .set('X-Mintbot-Event-Type', 'order.paid')
      .set('Content-Type', 'application/json')
      .send(reserialised);
    expect(res.status).toBe(401);
    expect(count('webhook_events')).toBe(1);
  });

  it('when no webhook secret is configured, then every delivery is 401 and the log-side reason says so', async () => {
    portal = createTestPortal({ MINTOFFICE_WEBHOOK_SECRET: '' });
    const res = await sendEvent(portal.handler, orderPayload(1));
    expect(res.status).toBe(401);
    expect(rejected()[0]?.reason).toBe('no_secret');
    expect(count('webhook_events')).toBe(0);
  });

  it('when the signature is a hand-made HMAC of "t.body" per the spec, then it verifies (the stub and the spec agree)', async () => {
    portal = createTestPortal();
    const raw = JSON.stringify(orderPayload(5));
    const t = Math.floor(Date.now() / 1000);
    const hex = createHmac('sha256', SECRET).update(`${t}.${raw}`).digest('hex');
    const res = await sendEvent(portal.handler, raw, { signature: `t=${t},v1=${hex}` });
    expect(res.status).toBe(200);
  });
});

describe('webhook receiver: malformed deliveries', () => {
  it('when event headers are missing or hostile, then 400 naming the header, and nothing is stored', async () => {
    portal = createTestPortal();
    const body = orderPayload(3);
    const raw = JSON.stringify(body);
    const handler = portal.handler;
    const base = () =>
      request(handler).post('/webhooks/mintoffice').set('X-Mintbot-Signature', sign(SECRET, raw)).set('Content-Type', 'application/json');
    const noId = await base().set('X-Mintbot-Event-Type', 'order.paid').send(raw);
    expect(noId.status).toBe(400);
    expect(noId.body.error).toContain('X-Mintbot-Event-Id');
    const noType = await base().set('X-Mintbot-Event-Id', 'evt_3_x_1').send(raw);
    expect(noType.status).toBe(400);
    expect(noType.body.error).toContain('X-Mintbot-Event-Type');
    const longId = await base().set('X-Mintbot-Event-Id', 'e'.repeat(201)).set('X-Mintbot-Event-Type', 'order.paid').send(raw);
    expect(longId.status).toBe(400);
    const scriptType = await base().set('X-Mintbot-Event-Id', 'evt_ok').set('X-Mintbot-Event-Type', '<script>alert(1)</script>').send(raw);
    expect(scriptType.status).toBe(400);
    expect(count('webhook_events')).toBe(0);
    expect(rejected().map((r) => r.reason)).toEqual(['event_id_missing', 'event_type_missing', 'event_id_invalid', 'event_type_invalid']);
  });

  it('when the body is not UTF-8, not JSON, or JSON that is not an object, then 400 and nothing is stored', async () => {
    portal = createTestPortal();
    const bodies: Array<[string, Buffer]> = [
      ['body_not_utf8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
      ['body_not_json', Buffer.from('{"id": 1,')],
      ['body_not_object', Buffer.from('[1,2,3]')],
      ['body_not_object', Buffer.from('"just a string"')],
      ['body_not_object', Buffer.from('null')],
      ['body_not_json', Buffer.alloc(0)],
    ];
    for (const [reason, raw] of bodies) {
      const res = await request(portal.handler)
        .post('/webhooks/mintoffice')
        .set('X-Mintbot-Signature', sign(SECRET, raw))
        .set('X-Mintbot-Event-Id', 'evt_x')
        .set('X-Mintbot-Event-Type', 'order.paid')
        .set('Content-Type', 'application/octet-stream') // superagent would re-serialise a Buffer sent as JSON
        .send(raw);
      expect(res.status, reason).toBe(400);
    }
    expect(count('webhook_events')).toBe(0);
    const kept = rejected();
    expect(kept.map((r) => r.reason)).toEqual(bodies.map(([reason]) => reason));
    // Invalid bytes are kept as replacement characters, never as a broken string.
    expect(kept[0]?.body_excerpt).toBe('{"a":"\uFFFD\uFFFD"}');
  });

  it('when the body is past 256 KiB, then 413 without reading it all, and only a 2 KiB excerpt is kept', async () => {
    portal = createTestPortal();
    const raw = JSON.stringify({ id: 1, pad: 'x'.repeat(300 * 1024) });
    const res = await sendEvent(portal.handler, raw);
    expect(res.status).toBe(413);
    expect(count('webhook_events')).toBe(0);
    expect(rejected()[0]?.reason).toBe('body_too_large');
    expect(rejected()[0]!.body_excerpt.length).toBeLessThanOrEqual(2048);
  });

  it('when a body past the cap comes chunked (no Content-Length), then reading stops and it is 413', async () => {
    const { startTestPortal } = await import('../../support/portal.js');
    const running = await startTestPortal();
    try {
      const { request: undiciRequest } = await import('undici');
      async function* chunks() {
        for (let i = 0; i < 40; i++) yield Buffer.alloc(16 * 1024, 0x20);
      }
      const res = await undiciRequest(`${running.url}/webhooks/mintoffice`, {
        method: 'POST',
        headers: { 'x-mintbot-event-id': 'evt_big', 'x-mintbot-event-type': 'order.paid', 'x-mintbot-signature': 't=1,v1=00' },
        body: Readable.from(chunks()),
      }).catch((err: Error) => err);
      // The server answers 413 and closes; depending on timing the client sees the answer or a reset.
      if (!(res instanceof Error)) {
        expect(res.statusCode).toBe(413);
        await res.body.dump();
      }
      const row = running.deps.db.prepare('SELECT reason FROM rejected_deliveries').get() as { reason: string };
      expect(row.reason).toBe('body_too_large');
    } finally {
      await running.close();
    }
  });

  it('when rejected deliveries pile up, then only the newest 1,000 are kept', async () => {
    portal = createTestPortal();
    const store = portal!.deps.stores.webhookEvents;
    for (let i = 0; i < 1_050; i++) await store.reject({ reason: 'signature_mismatch', eventId: `evt_${i}`, eventType: 'order.paid', body: Buffer.from('{}') });
    expect(count('rejected_deliveries')).toBe(1_000);
    const oldest = portal!.deps.db.prepare('SELECT event_id FROM rejected_deliveries ORDER BY id LIMIT 1').get() as { event_id: string };
    expect(oldest.event_id).toBe('evt_50');
  });
});

describe('webhook receiver: storing and applying', () => {
  it('when the same event is posted 20 times at once, then it is stored once and every post gets 200', async () => {
    const { startTestPortal } = await import('../../support/portal.js');
    const running = await startTestPortal();
    try {
      const raw = JSON.stringify(orderPayload(11, { status: 'completed' }));
      const { request: undiciRequest } = await import('undici');
      const headers = {
        'content-type': 'application/json',
        'x-mintbot-signature': sign(SECRET, raw),
        'x-mintbot-event-id': 'evt_11_order.paid_1747371234567',
        'x-mintbot-event-type': 'order.paid',
      };
      const answers = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const res = await undiciRequest(`${running.url}/webhooks/mintoffice`, { method: 'POST', headers, body: raw });
          return { status: res.statusCode, body: (await res.body.json()) as { duplicate?: boolean } };
        }),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(1);
      const db = running.deps.db;
      expect((db.prepare('SELECT count(*) AS n FROM webhook_events').get() as { n: number }).n).toBe(1);
      expect((db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n).toBe(1);
    } finally {
      await running.close();
    }
  });

  it('when the spec\'s short order.paid sample arrives for a portal order, then the order (matched by external_id) becomes paid', async () => {
    portal = createTestPortal();
    insertLocalOrder('ref_local_1', null);
    const sample = { id: 42, tier: 's1', duration_months: 1, credit_usd: 10, amount_cents: 1200, currency: 'usd', status: 'completed', external_id: 'ref_local_1', paid_at: '2026-05-16 10:02:14' };
    const res = await sendEvent(portal.handler, sample, { id: evt(42, 'order.paid', 1747371234567) });
    expect(res.status).toBe(200);
    const order = portal!.deps.db.prepare("SELECT * FROM orders WHERE ref = 'ref_local_1'").get() as Record<string, unknown>;
    expect(order).toMatchObject({ status: 'paid', api_order_id: 42, paid_at: '2026-05-16 10:02:14', amount_cents: 1200, last_event_ms: 1747371234567 });
  });

  it('when agent.ready arrives before the late order.paid, then the order stays ready with its panel', async () => {
    portal = createTestPortal();
    insertLocalOrder('ref_ooo', 50);
    const t = 1747371234567;
    await sendEvent(portal.handler, orderPayload(50, { status: 'deployed', external_id: 'ref_ooo', panel_url: 'https://agent1.example.com', expires_at: '2026-06-16 10:02:14', paid_at: '2026-05-16 10:02:14' }), { type: 'agent.ready', id: evt(50, 'agent.ready', t + 3000) }).expect(200);
    await sendEvent(portal.handler, orderPayload(50, { status: 'completed', external_id: 'ref_ooo', paid_at: '2026-05-16 10:02:14' }), { type: 'order.paid', id: evt(50, 'order.paid', t) }).expect(200);
    await sendEvent(portal.handler, orderPayload(50, { status: 'completed', external_id: 'ref_ooo' }), { type: 'agent.provisioning_started', id: evt(50, 'agent.provisioning_started', t + 1) }).expect(200);
    expect(orderByApiId(50)).toMatchObject({ status: 'ready', panel_url: 'https://agent1.example.com', expires_at: '2026-06-16 10:02:14', last_event_ms: t + 3000 });
    expect(count('webhook_events')).toBe(3);
  });

  it('when a late event changes nothing, then the order row is not rewritten; when it brings a missing fact, that fact is filled in', async () => {
    portal = createTestPortal();
    insertLocalOrder('ref_late', 51);
    const t = 1747371234567;
    const ready = orderPayload(51, { status: 'deployed', external_id: 'ref_late', panel_url: 'https://agent2.example.com', expires_at: '2026-06-16 10:02:14', paid_at: '2026-05-16 10:02:14' });
    await sendEvent(portal.handler, ready, { type: 'agent.ready', id: evt(51, 'agent.ready', t + 3000) }).expect(200);
    const stamp = (): unknown => (orderByApiId(51) as { updated_at: number }).updated_at;
    portal.deps.db.prepare('UPDATE orders SET updated_at = 1 WHERE ref = ?').run('ref_late');

    await sendEvent(portal.handler, orderPayload(51, { status: 'completed', external_id: 'ref_late', paid_at: '2026-05-16 10:02:14' }), { type: 'order.paid', id: evt(51, 'order.paid', t) }).expect(200);
    expect(stamp()).toBe(1);
    expect(count('webhook_events')).toBe(2);

    portal.deps.db.prepare('UPDATE orders SET amount_cents = NULL WHERE ref = ?').run('ref_late');
    await sendEvent(portal.handler, orderPayload(51, { status: 'completed', external_id: 'ref_late', amount_cents: 3600 }), { type: 'agent.provisioning_started', id: evt(51, 'agent.provisioning_started', t + 1) }).expect(200);
    expect(orderByApiId(51)).toMatchObject({ status: 'ready', amount_cents: 3600 });
    expect(stamp()).not.toBe(1);
  });

  it('when agent.failed arrives, then the order is failed and keeps the step and message', async () => {
    portal = createTestPortal();
    insertLocalOrder('ref_fail', 60, 'provisioning');
    await sendEvent(portal.handler, orderPayload(60, { status: 'deploy_failed', external_id: 'ref_fail', error: { step: 'dns', message: 'zone.ee said 500' } }), { type: 'agent.failed', id: evt(60, 'agent.failed', 1747371234567) }).expect(200);
    expect(orderByApiId(60)).toMatchObject({ status: 'failed', error_step: 'dns', error_message: 'zone.ee said 500' });
  });

  it('when a renewal fires agent.ready again for the original order, then its expiry moves forward', async () => {
    portal = createTestPortal();
    insertLocalOrder('ref_renew', 70);
    const t = 1747371234567;
    await sendEvent(portal.handler, orderPayload(70, { status: 'deployed', external_id: 'ref_renew', panel_url: 'https://a.example.com', expires_at: '2026-06-16 10:00:00' }), { type: 'agent.ready', id: evt(70, 'agent.ready', t) }).expect(200);
    await sendEvent(portal.handler, orderPayload(70, { status: 'expired', external_id: 'ref_renew', panel_url: 'https://a.example.com', expires_at: '2026-06-16 10:00:00' }), { type: 'agent.expired', id: evt(70, 'agent.expired', t + 10_000) }).expect(200);
    expect(orderByApiId(70)).toMatchObject({ status: 'expired' });
    await sendEvent(portal.handler, orderPayload(70, { status: 'deployed', external_id: 'ref_renew', panel_url: 'https://a.example.com', expires_at: '2026-07-16 10:00:00' }), { type: 'agent.ready', id: evt(70, 'agent.ready', t + 20_000) }).expect(200);
    expect(orderByApiId(70)).toMatchObject({ status: 'ready', expires_at: '2026-07-16 10:00:00' });
  });

  it('when an event is for an order made outside the portal, then it gets a row with a fresh unguessable ref, and later events find it', async () => {
    portal = createTestPortal();
    await sendEvent(portal.handler, orderPayload(80, { external_id: 'made-in-dashboard' }), { type: 'order.created', id: evt(80, 'order.created', 1747371234567) }).expect(200);
    await sendEvent(portal.handler, orderPayload(80, { status: 'completed', external_id: 'made-in-dashboard' }), { type: 'order.paid', id: evt(80, 'order.paid', 1747371235567) }).expect(200);
    const rows = portal!.deps.db.prepare('SELECT ref, status, api_order_id FROM orders').all() as Array<{ ref: string; status: string }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('paid');
    // The same kind of ref as the shop's own orders (newOrderRef: 144 random bits, URL-safe).
    expect(rows[0]!.ref).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it('when the event type is unknown or the payload is not an order, then it is stored and answered 200 but no order changes', async () => {
    portal = createTestPortal();
    insertLocalOrder('ref_unk', 90);
    await sendEvent(portal.handler, orderPayload(90, { external_id: 'ref_unk', status: 'completed' }), { type: 'invoice.finalized' }).expect(200);
    await sendEvent(portal.handler, { hello: 'world' }, { type: 'order.paid' }).expect(200);
    expect(count('webhook_events')).toBe(2);
    expect(orderByApiId(90)).toMatchObject({ status: 'awaiting_payment' });
  });

  it('when the request goes through the Express app instead of the handler, then it behaves the same', async () => {
    portal = createTestPortal();
    const raw = JSON.stringify(orderPayload(5));
    const res = await request(portal.app)
      .post('/webhooks/mintoffice')
      .set('X-Mintbot-Signature', sign(SECRET, raw))
      .set('X-Mintbot-Event-Id', 'evt_5_order.paid_1747371234567')
      .set('X-Mintbot-Event-Type', 'order.paid')
      .set('X-Request-Id', 'trace-abc-123456')
      .send(raw);
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('trace-abc-123456');
    expect(count('webhook_events')).toBe(1);
  });
});
