import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestPortal, type TestPortal } from '../../support/portal.js';
import { evt, orderPayload, sendEvent } from '../webhooks/send.js';
import { ADMIN, pagerLink, seedInquiry } from './support.js';

let portal: TestPortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

const get = (path: string) => request(portal!.app).get(path).auth(ADMIN.user, ADMIN.password);
const XSS = '<script>alert(1)</script>';

describe('admin orders, rejected and inquiries', () => {
  it('when orders exist, then the Orders tab lists them newest first and each has a timeline that links to the status page', async () => {
    portal = createTestPortal();
    const db = portal.deps.db;
    db.prepare(`INSERT INTO orders (ref, api_order_id, tier, duration_months, status, created_at, updated_at) VALUES ('refAAAAAAAAAAAAAAAA1', 31, 's1', 1, 'awaiting_payment', 1, 1)`).run();
    db.prepare(`INSERT INTO orders (ref, api_order_id, tier, duration_months, status, created_at, updated_at) VALUES ('refBBBBBBBBBBBBBBBB2', 32, 's2', 3, 'awaiting_payment', 2, 2)`).run();
    await sendEvent(portal.handler, orderPayload(31, { external_id: 'refAAAAAAAAAAAAAAAA1', status: 'completed' }), { type: 'order.paid', id: evt(31, 'order.paid', 1747371234000) }).expect(200);
    await sendEvent(portal.handler, orderPayload(31, { external_id: 'refAAAAAAAAAAAAAAAA1', status: 'deployed', panel_url: 'https://agent31.example.com' }), { type: 'agent.ready', id: evt(31, 'agent.ready', 1747371239000) }).expect(200);

    const list = await get('/admin/orders');
    expect(list.status).toBe(200);
    const refs = [...list.text.matchAll(/href="\/admin\/orders\/([\w-]+)"/g)].map((m) => m[1]);
    expect(refs).toEqual(['refBBBBBBBBBBBBBBBB2', 'refAAAAAAAAAAAAAAAA1']);
    expect(list.text).toContain('<span class="pill ok">Ready</span>');

    const detail = await get('/admin/orders/refAAAAAAAAAAAAAAAA1');
    expect(detail.status).toBe(200);
    // The customer's status link in full, to send to a customer who lost it.
    expect(detail.text).toMatch(/<a href="http:\/\/127\.0\.0\.1:\d+\/thank-you\?ref=refAAAAAAAAAAAAAAAA1">http:\/\/127\.0\.0\.1:\d+\/thank-you\?ref=refAAAAAAAAAAAAAAAA1<\/a>/);
    const timeline = [...detail.text.matchAll(/Payload of <code class="event-id small">([^<]+)<\/code>/g)].map((m) => m[1]);
    expect(timeline).toEqual([evt(31, 'order.paid', 1747371234000), evt(31, 'agent.ready', 1747371239000)]);
    expect(detail.text).toContain('href="https://agent31.example.com"');

    expect((await get('/admin/orders/nope')).status).toBe(404);
    expect((await get(`/admin/orders/${encodeURIComponent(XSS)}`)).text).not.toContain(XSS);
  });

  it('when orders span pages, then the Orders pager reaches every order', async () => {
    portal = createTestPortal({ ADMIN_PAGE_SIZE: '2' });
    const insert = portal.deps.db.prepare(`INSERT INTO orders (ref, tier, duration_months, status, created_at, updated_at) VALUES (?, 's1', 1, 'creating', ?, ?)`);
    for (let i = 0; i < 5; i++) insert.run(`order-${i}`, i, i);
    const seen: string[] = [];
    let path: string | undefined = '/admin/orders';
    while (path) {
      const res = await get(path);
      seen.push(...[...res.text.matchAll(/href="\/admin\/orders\/([\w-]+)"/g)].map((m) => m[1]!));
      path = pagerLink(res.text, 'Older');
    }
    expect(seen).toEqual(['order-4', 'order-3', 'order-2', 'order-1', 'order-0']);
  });

  it('when deliveries are refused, then the Rejected tab shows reason, headers and an escaped body excerpt', async () => {
    portal = createTestPortal();
    await sendEvent(portal.handler, `{"id":1,"x":"${XSS}"}`, { secret: 'whsec_wrong_secret_000' }).expect(401);
    await request(portal.handler).post('/webhooks/mintoffice').set('X-Mintbot-Event-Type', XSS).set('X-Mintbot-Event-Id', 'evt<b>').send('hello').expect(401);
    const res = await get('/admin/rejected');
    expect(res.status).toBe(200);
    expect(res.text).toContain('signature_mismatch');
    expect(res.text).toContain('signature_missing');
    expect(res.text).not.toContain(XSS);
    expect(res.text).not.toContain('evt<b>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('when hostile values arrive in a signed event, then no admin page carries them unescaped', async () => {
    portal = createTestPortal();
    await sendEvent(portal.handler, orderPayload(66, { external_id: XSS, tier: XSS, panel_url: 'javascript:alert(1)', note: `</pre>${XSS}` }), { type: 'agent.ready', id: evt(66, 'agent.ready', 1747371234000) }).expect(200);
    await sendEvent(portal.handler, { id: 67, external_id: `"><img src=x onerror=alert(1)>` }, { type: 'order.created' }).expect(200);
    const ref = (portal.deps.db.prepare('SELECT ref FROM orders WHERE api_order_id = 66').get() as { ref: string }).ref;
    for (const path of ['/admin', '/admin?q=66', `/admin?q=${encodeURIComponent(XSS)}`, '/admin/orders', `/admin/orders/${ref}`]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.text, path).not.toContain(XSS);
      expect(res.text, path).not.toContain('<img src=x');
      expect(res.text, path).not.toContain('href="javascript:');
    }
  });

  it('when inquiries exist, then they show newest first with fast-track marked and filterable, and only http(s) websites are links', async () => {
    portal = createTestPortal();
    seedInquiry(portal.deps.db, { name: 'Ada', email: 'ada@example.com', website: 'https://ada.example.com', message: 'line one\nline two', type: 'general' });
    seedInquiry(portal.deps.db, { name: `Eve ${XSS}`, email: 'eve@example.com', company: XSS, website: 'javascript:alert(1)', message: `hi ${XSS}`, type: 'enterprise', fastTrack: true });
    const all = await get('/admin/inquiries');
    expect(all.status).toBe(200);
    expect(all.text.indexOf('Eve')).toBeLessThan(all.text.indexOf('Ada'));
    expect(all.text).toContain('Fast track');
    expect(all.text).toContain('href="mailto:ada@example.com"');
    expect(all.text).toContain('href="https://ada.example.com"');
    expect(all.text).not.toContain('href="javascript:');
    expect(all.text).not.toContain(XSS);
    expect(all.text).toContain('line one\nline two');
    const fast = await get('/admin/inquiries?fast_track=1');
    expect(fast.text).toContain('Eve');
    expect(fast.text).not.toContain('Ada');
  });
});
