import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ago, timeLeft } from '../../../src/portal/admin/labels.js';
import { databaseEnvFor, sqlOf } from '../../support/database.js';
import { createTestPortal, type TestPortal } from '../../support/portal.js';
import { startTestStub, type TestStub } from '../../support/stub.js';
import { createOrder, getOrder, pay } from '../../stub/helpers.js';
import { sendEvent } from '../webhooks/send.js';
import { ADMIN, csrfToken, pagerLink, seedEvents, seedInquiry } from './support.js';
import { visibleText } from '../../support/html.js';

let stub: TestStub;
let portal: TestPortal | undefined;
beforeAll(async () => {
  stub = await startTestStub();
});
afterAll(async () => stub?.close());
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

const get = (path: string) => request(portal!.app).get(path).auth(ADMIN.user, ADMIN.password);
const post = (path: string) => request(portal!.app).post(path).auth(ADMIN.user, ADMIN.password).type('form');

async function insertOrder(p: TestPortal, values: { ref: string; apiId?: number | null; tier?: string; months?: number; status: string; amount?: number | null; currency?: string; updatedAt?: number; error?: [string, string] }): Promise<void> {
  const now = Date.now();
  await sqlOf(p).run(
    `INSERT INTO orders (ref, api_order_id, tier, duration_months, status, amount_cents, currency, error_step, error_message, created_at, updated_at)
     VALUES (@ref, @apiId, @tier, @months, @status, @amount, @currency, @errorStep, @errorMessage, @now, @updatedAt)`,
    {
      ref: values.ref,
      apiId: values.apiId ?? null,
      tier: values.tier ?? 's1',
      months: values.months ?? 1,
      status: values.status,
      amount: values.amount ?? null,
      currency: values.currency ?? 'usd',
      errorStep: values.error?.[0] ?? null,
      errorMessage: values.error?.[1] ?? null,
      now,
      updatedAt: values.updatedAt ?? now,
    },
  );
}

async function insertInquiry(p: TestPortal, name: string, fastTrack: number, createdAt: number): Promise<void> {
  await sqlOf(p).run("INSERT INTO inquiries (name, email, company, type, message, fast_track, created_at) VALUES (@name, 'x@example.com', 'Acme', 'enterprise', 'm', @fastTrack, @createdAt)", { name, fastTrack, createdAt });
}

describe('admin events table', () => {
  it('when there are more events than a page, then the total shows above the table and the pager is at top and bottom with the filter kept', async () => {
    portal = await createTestPortal({ ADMIN_PAGE_SIZE: '3' });
    await seedEvents(portal,
      Array.from({ length: 8 }, (_, i) => ({ eventId: `e${i}`, type: i % 2 ? 'agent.ready' : 'order.paid', apiOrderId: i })),
    );
    const all = await get('/admin');
    expect(visibleText(all.text)).toContain('8 events');
    expect(all.text.match(/<nav class="pager"/g)).toHaveLength(2);
    const typed = await get('/admin?type=agent.ready');
    expect(visibleText(typed.text)).toContain('4 “Agent ready” events');
    expect(pagerLink(typed.text, 'Older')).toMatch(/^\/admin\?type=agent\.ready&before=\d+$/);
    // An event stored later counts at once (the total is kept up to date, not recounted).
    await seedEvents(portal, [{ eventId: 'late', type: 'agent.ready' }]);
    expect(visibleText((await get('/admin?type=agent.ready')).text)).toContain('5 “Agent ready” events');
    expect(visibleText((await get('/admin')).text)).toContain('9 events');
    expect(visibleText((await get('/admin?q=3')).text)).toContain('1 event for “3”');
  });

  it('when the portal restarts, then the total stays exact (it is kept, then only newer events are counted)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'admin-count-'));
    try {
      portal = await createTestPortal(await databaseEnvFor(dir));
      await seedEvents(portal, [{ eventId: 'a1', type: 'order.paid' }, { eventId: 'a2', type: 'agent.ready' }]);
      expect(visibleText((await get('/admin')).text)).toContain('2 events');
      await portal.close();
      portal = await createTestPortal(await databaseEnvFor(dir));
      await seedEvents(portal, [{ eventId: 'b1', type: 'order.paid' }]);
      expect(visibleText((await get('/admin')).text)).toContain('3 events');
      expect(visibleText((await get('/admin?type=order.paid')).text)).toContain('2 “Paid” events');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when an event is shown, then its time reads "… ago" with the exact UTC time on hover, and its plan and amount are in words', async () => {
    portal = await createTestPortal();
    await sendEvent(portal.handler, { id: 7, tier: 's2', duration_months: 3, credit_usd: 0, amount_cents: 7200, currency: 'eur', status: 'completed', external_id: 'outside-7' }, { type: 'order.paid', id: 'evt_7_order.paid_1' }).expect(200);
    const res = await get('/admin');
    expect(res.text).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z" title="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC">just now<\/time>/);
    const row = visibleText(/<tbody>[\s\S]*<\/tbody>/.exec(res.text)![0]);
    expect(row).toContain('Paid');
    expect(row).toContain('Team · 3 months');
    expect(row).toContain('€72.00');
    expect(row).toContain('outside-7');
    expect(row).not.toContain('order.paid ');
  });

  it('when times are relative, then they read as people say them', () => {
    const now = Date.UTC(2026, 4, 16, 12, 0, 0);
    expect(ago(now - 20_000, now)).toBe('just now');
    expect(ago(now - 3 * 60_000, now)).toBe('3 min ago');
    expect(ago(now - 2 * 3_600_000, now)).toBe('2 hours ago');
    expect(ago(now - 86_400_000, now)).toBe('yesterday');
    expect(ago(now - 40 * 86_400_000, now)).toBe('2026-04-06');
    expect(timeLeft(now + 18 * 3_600_000, now)).toEqual({ text: '18 h left', overdue: false });
    expect(timeLeft(now + 40 * 60_000, now)).toEqual({ text: '40 min left', overdue: false });
    expect(timeLeft(now - 3 * 3_600_000, now)).toEqual({ text: 'overdue by 3 h', overdue: true });
  });
});

describe('admin needs-attention view', () => {
  it('when a deploy failed and deliveries are refused in a burst, then both are listed with the order, plan, money and reason in words, and the tab shows how many', async () => {
    portal = await createTestPortal();
    await insertOrder(portal, { ref: 'failedAAAAAAAAAAAAAAAA', apiId: 91, tier: 's4', months: 12, status: 'failed', amount: 48000, error: ['dns', 'zone.ee timed out'] });
    await insertOrder(portal, { ref: 'oldFailBBBBBBBBBBBBBBBB', apiId: 92, status: 'failed', updatedAt: Date.now() - 40 * 86_400_000 });
    await insertOrder(portal, { ref: 'readyCCCCCCCCCCCCCCCCCC', apiId: 93, status: 'ready' });
    for (let i = 0; i < 5; i++) await sendEvent(portal.handler, { id: 1 }, { secret: 'whsec_wrong_secret_000' }).expect(401);
    await sendEvent(portal.handler, { id: 1 }, { signature: null }).expect(401);

    await insertInquiry(portal, 'Overdue Olga', 1, Date.now() - 25 * 3_600_000);
    await insertInquiry(portal, 'Soon Sam', 1, Date.now() - 21 * 3_600_000);
    await insertInquiry(portal, 'Fresh Fay', 1, Date.now() - 3_600_000);
    await insertInquiry(portal, 'Slow Sid', 0, Date.now() - 30 * 3_600_000);

    const res = await get('/admin/attention');
    expect(res.status).toBe(200);
    const page = visibleText(res.text);
    expect(page).toContain('Overdue Olga');
    expect(page).toContain('overdue by 1 h');
    expect(page).toMatch(/Soon Sam .* 2 h 59 min left/);
    expect(page).not.toContain('Fresh Fay');
    expect(page).not.toContain('Slow Sid');
    expect(page).toContain('Order 91');
    expect(page).toContain('Pro · 12 months');
    expect(page).toContain('$480.00');
    expect(page).toContain('dns: zone.ee timed out');
    expect(page).not.toContain('Order 92'); // older than 30 days
    expect(page).not.toContain('Order 93');
    expect(page).toContain('Signed with another secret 5');
    expect(page).not.toContain('Signature missing'); // one refusal is not a burst
    expect(res.text).toMatch(/href="\/admin\/attention"[^>]*>Needs attention <span class="count-badge">4<span class="visually-hidden"> items</);
  });

  it('when nothing needs attention, then the view says so and the tab has no count', async () => {
    portal = await createTestPortal();
    const res = await get('/admin/attention');
    expect(visibleText(res.text)).toContain('No agent failed to come up in the last 30 days.');
    expect(visibleText(res.text)).toContain('No monthly payment failed in the last 30 days.');
    expect(res.text).not.toContain('count-badge');
  });
});

describe('admin order page', () => {
  it('when "Refresh from API" is pressed, then the order takes what mintbot says now, and a form without its token changes nothing', async () => {
    portal = await createTestPortal({ MINTOFFICE_API_URL: stub.url, MINTOFFICE_API_KEY: stub.apiKey(), PUBLIC_BASE_URL: 'http://127.0.0.1:8000' });
    const order = await createOrder(stub, { tier: 's2', duration_months: 3 });
    await insertOrder(portal, { ref: 'refreshAAAAAAAAAAAAAAAA', apiId: order.id, tier: 's2', months: 3, status: 'awaiting_payment', amount: order.amount_cents });
    await pay(stub, order).expect(303);
    await expect.poll(async () => (await getOrder(stub, order.id)).status).toBe('deployed');

    const page = await get('/admin/orders/refreshAAAAAAAAAAAAAAAA');
    expect(visibleText(page.text)).toContain('Awaiting payment');
    expect(page.text).toContain('<a href="http://127.0.0.1:8000/thank-you?ref=refreshAAAAAAAAAAAAAAAA">');
    expect((await post('/admin/orders/refreshAAAAAAAAAAAAAAAA/refresh').send({})).status).toBe(403);
    expect(visibleText((await get('/admin/orders/refreshAAAAAAAAAAAAAAAA')).text)).toContain('Awaiting payment');

    const refreshed = await post('/admin/orders/refreshAAAAAAAAAAAAAAAA/refresh').send({ _csrf: csrfToken(page.text) });
    expect(refreshed.status).toBe(303);
    const after = await get(refreshed.headers.location!);
    expect(visibleText(after.text)).toContain('Refreshed from the API: the order was updated.');
    expect(after.text).toContain('<span class="pill ok">Ready</span>');
    const again = await post('/admin/orders/refreshAAAAAAAAAAAAAAAA/refresh').send({ _csrf: csrfToken(page.text) });
    expect(visibleText((await get(again.headers.location!)).text)).toContain('nothing had changed');
  });

  it('when the API cannot be reached, then the order page says so with a 502 and keeps the order as it was', async () => {
    portal = await createTestPortal();
    await insertOrder(portal, { ref: 'offlineAAAAAAAAAAAAAAAA', apiId: 5, status: 'paid' });
    const token = csrfToken((await get('/admin/orders/offlineAAAAAAAAAAAAAAAA')).text);
    const res = await post('/admin/orders/offlineAAAAAAAAAAAAAAAA/refresh').send({ _csrf: token });
    expect(res.status).toBe(502);
    expect(res.text).toMatch(/role="alert">Refreshing from the API: mintbot could not be reached/);
    expect(res.text).toContain('<span class="pill ">Paid</span>');
  });
});

describe('admin inquiries', () => {
  it('when an inquiry is marked handled, then it leaves the open list with who and when, can be reopened, and needs the CSRF token', async () => {
    portal = await createTestPortal();
    await seedInquiry(portal, { name: 'Ada', email: 'ada@example.com', company: 'Acme', type: 'enterprise', message: 'Hello', fastTrack: true });
    await seedInquiry(portal, { name: 'Bob', email: 'bob@example.com', message: 'Hi' });
    const open = await get('/admin/inquiries');
    expect(visibleText(open.text)).toContain('2 open inquiries');
    expect(visibleText(open.text)).toMatch(/Fast track · 23 h left/);
    const adaId = /action="\/admin\/inquiries\/(\d+)\/handled"[\s\S]*?Mark handled<span class="visually-hidden">: inquiry from Ada/.exec(open.text);
    const id = /<li class="panel inquiry">[\s\S]*?<strong>Ada<\/strong>[\s\S]*?action="\/admin\/inquiries\/(\d+)\/handled"/.exec(open.text)![1]!;
    expect(adaId).not.toBeNull();

    expect((await post(`/admin/inquiries/${id}/handled`).send({ handled: '1' })).status).toBe(403);
    const marked = await post(`/admin/inquiries/${id}/handled`).send({ _csrf: csrfToken(open.text), handled: '1', back: '/admin/inquiries' });
    expect(marked.status).toBe(303);
    expect(marked.headers.location).toBe('/admin/inquiries');
    const after = visibleText((await get('/admin/inquiries')).text);
    expect(after).toContain('1 open inquiry');
    expect(after).not.toContain('Ada');
    const handled = await get('/admin/inquiries?show=handled');
    expect(visibleText(handled.text)).toMatch(/Handled just now by admin/);

    // An outside "back" address is never followed.
    const reopened = await post(`/admin/inquiries/${id}/handled`).send({ _csrf: csrfToken(open.text), handled: '0', back: 'https://evil.example/' });
    expect(reopened.headers.location).toBe('/admin/inquiries');
    expect(visibleText((await get('/admin/inquiries')).text)).toContain('2 open inquiries');
  });

  it('when a fast-track inquiry is past its 24 hours, then it says how overdue it is', async () => {
    portal = await createTestPortal();
    await sqlOf(portal).run("INSERT INTO inquiries (name, email, type, message, fast_track, created_at) VALUES ('Late', 'late@example.com', 'ai_provider', 'x', 1, @at)", { at: Date.now() - 27 * 3_600_000 - 60_000 });
    expect(visibleText((await get('/admin/inquiries?fast_track=1')).text)).toContain('Fast track · overdue by 3 h');
  });
});

describe('admin CSV export', () => {
  it('when orders and inquiries are exported, then quoting is right and cells a spreadsheet would run are neutralised', async () => {
    portal = await createTestPortal();
    await insertOrder(portal, { ref: 'csvAAAAAAAAAAAAAAAAAAA', apiId: 4, tier: 's1', status: 'ready', amount: 1200 });
    await seedInquiry(portal, { name: '=HYPERLINK("http://evil.example","x")', email: 'a@example.com', company: '+1 Co, "quoted"', message: 'line one\nline two', website: '@SUM(1)' });
    await seedInquiry(portal, { name: '-2+3', email: 'b@example.com', message: 'plain' });

    const orders = await get('/admin/orders.csv');
    expect(orders.status).toBe(200);
    expect(orders.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(orders.headers['content-disposition']).toMatch(/^attachment; filename="orders-\d{4}-\d\d-\d\d\.csv"$/);
    const lines = orders.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('reference,mintbot_id,status,tier,months,credit_usd,amount,amount_cents,currency,renews,paid_at,expires_at,panel_url,error,created_at,updated_at');
    expect(lines[1]).toMatch(/^csvAAAAAAAAAAAAAAAAAAA,4,Ready,s1,1,0,\$12\.00,1200,USD,/);

    const inquiries = (await get('/admin/inquiries.csv')).text.replace(/^\uFEFF/, '');
    expect(inquiries).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(inquiries).toContain(`"'+1 Co, ""quoted"""`);
    expect(inquiries).toContain("'@SUM(1)");
    expect(inquiries).toContain('"line one\nline two"');
    expect(inquiries).toContain(",'-2+3,");
    expect((await request(portal.app).get('/admin/orders.csv')).status).toBe(401);
  });
});
