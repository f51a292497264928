import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestPortal, type TestPortal } from '../../support/portal.js';
import { orderPayload, sendEvent } from '../webhooks/send.js';
import { ADMIN, pagerLink, seedEvents, shownEventIds } from './support.js';

let portal: TestPortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

const get = (path: string) => request(portal!.app).get(path).auth(ADMIN.user, ADMIN.password);

describe('admin events browser', () => {
  it('when there are no events, then an empty state explains how to get some', async () => {
    portal = createTestPortal();
    const res = await get('/admin');
    expect(res.status).toBe(200);
    expect(res.text).toContain('No events yet');
  });

  it('when events arrive, then /admin lists them newest first with a badge per type and the payload pretty-printed', async () => {
    portal = createTestPortal();
    await sendEvent(portal.handler, orderPayload(42, { external_id: 'ext-42' }), { type: 'order.created', id: 'evt_42_order.created_1747371230000' }).expect(200);
    await sendEvent(portal.handler, orderPayload(42, { external_id: 'ext-42', status: 'completed' }), { type: 'order.paid', id: 'evt_42_order.paid_1747371234567' }).expect(200);
    const res = await get('/admin');
    expect(shownEventIds(res.text)).toEqual(['evt_42_order.paid_1747371234567', 'evt_42_order.created_1747371230000']);
    // Types in words, the payload in place under its event id.
    expect(res.text).toContain('<span class="badge badge-paid">Paid</span>');
    expect(res.text).toContain('<span class="badge badge-created">Order created</span>');
    expect(res.text).toMatch(/<details><summary><code class="event-id">evt_42_order.paid_1747371234567<\/code><\/summary><pre class="payload" tabindex="0">\{\n {2}&quot;id&quot;: 42,/);
    // Every tab is reachable from /admin.
    for (const href of ['/admin/rejected', '/admin/orders', '/admin/partner', '/admin/dns', '/admin/inquiries']) expect(res.text).toContain(`href="${href}"`);
  });

  it('when filtering by type, then only that type shows and the dropdown lists the types seen', async () => {
    portal = createTestPortal();
    seedEvents(portal.deps.db, [
      { eventId: 'e1', type: 'order.created' },
      { eventId: 'e2', type: 'order.paid' },
      { eventId: 'e3', type: 'agent.ready' },
      { eventId: 'e4', type: 'order.paid' },
      { eventId: 'e5', type: 'invoice.custom' },
    ]);
    const res = await get('/admin?type=order.paid');
    expect(shownEventIds(res.text)).toEqual(['e4', 'e2']);
    const options = [...res.text.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    expect(options).toEqual(['', 'agent.ready', 'invoice.custom', 'order.created', 'order.paid']);
    expect(res.text).toContain('<option value="order.paid" selected>');
  });

  it('when searching, then q finds events by mintbot order id, by external id and by event id', async () => {
    portal = createTestPortal();
    seedEvents(portal.deps.db, [
      { eventId: 'evt_7_order.paid_1', type: 'order.paid', apiOrderId: 7, externalId: 'ref-seven' },
      { eventId: 'evt_8_order.paid_2', type: 'order.paid', apiOrderId: 8, externalId: 'ref-eight' },
      { eventId: 'evt_7_agent.ready_3', type: 'agent.ready', apiOrderId: 7, externalId: 'ref-seven' },
    ]);
    expect(shownEventIds((await get('/admin?q=7')).text)).toEqual(['evt_7_agent.ready_3', 'evt_7_order.paid_1']);
    expect(shownEventIds((await get('/admin?q=ref-eight')).text)).toEqual(['evt_8_order.paid_2']);
    expect(shownEventIds((await get('/admin?q=evt_7_order.paid_1')).text)).toEqual(['evt_7_order.paid_1']);
    expect(shownEventIds((await get('/admin?q=7&type=agent.ready')).text)).toEqual(['evt_7_agent.ready_3']);
    const none = await get('/admin?q=nothing-like-this');
    expect(none.status).toBe(200);
    expect(none.text).toContain('No events match');
  });

  it('when there are more events than a page, then Older/Newer/Oldest/Newest walk every event exactly once', async () => {
    portal = createTestPortal({ ADMIN_PAGE_SIZE: '5' });
    seedEvents(portal.deps.db, Array.from({ length: 12 }, (_, i) => ({ eventId: `e${String(i + 1).padStart(2, '0')}`, type: 'order.paid' })));
    const first = await get('/admin');
    expect(shownEventIds(first.text)).toEqual(['e12', 'e11', 'e10', 'e09', 'e08']);
    expect(pagerLink(first.text, 'Newer')).toBeUndefined();
    const second = await get(pagerLink(first.text, 'Older')!);
    expect(shownEventIds(second.text)).toEqual(['e07', 'e06', 'e05', 'e04', 'e03']);
    const third = await get(pagerLink(second.text, 'Older')!);
    expect(shownEventIds(third.text)).toEqual(['e02', 'e01']);
    expect(pagerLink(third.text, 'Older')).toBeUndefined();
    const back = await get(pagerLink(third.text, 'Newer')!);
    expect(shownEventIds(back.text)).toEqual(['e07', 'e06', 'e05', 'e04', 'e03']);
    const oldest = await get(pagerLink(first.text, 'Oldest')!);
    expect(shownEventIds(oldest.text)).toEqual(['e05', 'e04', 'e03', 'e02', 'e01']);
    const newest = await get(pagerLink(oldest.text, 'Newest')!);
    expect(shownEventIds(newest.text)).toEqual(['e12', 'e11', 'e10', 'e09', 'e08']);
  });

  it('when paging a filtered list, then the filter is kept on every link', async () => {
    portal = createTestPortal({ ADMIN_PAGE_SIZE: '2' });
    seedEvents(portal.deps.db, Array.from({ length: 6 }, (_, i) => ({ eventId: `f${i}`, type: i % 2 ? 'order.paid' : 'order.created' })));
    const first = await get('/admin?type=order.paid');
    expect(shownEventIds(first.text)).toEqual(['f5', 'f3']);
    const older = pagerLink(first.text, 'Older')!;
    expect(older).toContain('type=order.paid');
    expect(shownEventIds((await get(older)).text)).toEqual(['f1']);
  });

  it('when query values are long or hostile, then 400 with a message, never 500', async () => {
    portal = createTestPortal();
    for (const path of [
      `/admin?q=${'x'.repeat(201)}`,
      '/admin?before=abc',
      '/admin?after=-1',
      `/admin?before=${'9'.repeat(30)}`,
      '/admin?type=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      '/admin?q=a&q=b',
      '/admin?before=1&before=2',
      '/admin/inquiries?fast_track=yes',
      '/admin/orders?before=1e9',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.text).not.toContain('<script>alert');
    }
  });

  it('when a search term is hostile, then it is echoed escaped and still finds nothing', async () => {
    portal = createTestPortal();
    const res = await get(`/admin?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
