import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestPortal, type TestPortal } from '../../support/portal.js';
import { startTestStub, type TestStub } from '../../support/stub.js';
import { revenueChart } from '../../../src/portal/admin/partner.js';
import { ADMIN, csrfToken } from './support.js';

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

const withStub = () => createTestPortal({ MINTOFFICE_API_URL: stub.url, MINTOFFICE_API_KEY: stub.apiKey(), PUBLIC_BASE_URL: 'http://127.0.0.1:8000' });
const get = (path: string) => request(portal!.app).get(path).auth(ADMIN.user, ADMIN.password);
const post = (path: string) => request(portal!.app).post(path).auth(ADMIN.user, ADMIN.password).type('form');

describe('admin partner page', () => {
  it('when the API answers, then balance, revenue totals, ledger and readiness show', async () => {
    portal = withStub();
    const res = await get('/admin/partner');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Unpaid balance');
    expect(res.text).toContain('Your revenue (partner cut)');
    expect(res.text).toContain('Readiness');
    expect(res.text).toMatch(/class="section-name">domain<\/span> <span class="pill (ok|warn|bad)">/);
    expect(res.text).not.toContain('notice error');
  });

  it('when the API cannot be reached, then the page still renders with a notice, not an error page', async () => {
    portal = createTestPortal({ MINTOFFICE_API_URL: 'http://127.0.0.1:9' });
    const res = await get('/admin/partner');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Partner profile: mintbot could not be reached');
    expect(res.text).toContain('Revenue: mintbot could not be reached');
    expect(res.text).toContain('Settings: mintbot could not be reached');
    expect(res.text).not.toContain('mo_test_0123456789abcdef');
  });
});

describe('admin partner revenue chart', () => {
  const event = (id: number, created_at: string, partner_cut_cents: number) => ({
    id, order_id: id, kind: 'order_paid', gross_cents: 2 * partner_cut_cents, partner_cut_cents, mintbot_cut_cents: partner_cut_cents, currency: 'usd', created_at, payout_id: null, payout_at: null,
  });
  const revenue = (events: ReturnType<typeof event>[]) => ({ currency: 'usd', gross_cents: 0, partner_cut_cents: 0, mintbot_cut_cents: 0, unpaid_cents: 0, events });

  it('when a ledger event has a date-shaped created_at that is no real day, then the chart skips it instead of failing the page', () => {
    const chart = revenueChart(revenue([event(1, '2026-05-10 09:00:00', 500), event(2, '2026-13-40 09:00:00', 900), event(3, '9999-99-99 00:00:00', 1)]));
    expect(chart).not.toBeNull();
    expect(chart!.bars.at(-1)!.day).toBe('2026-05-10');
    expect(chart!.maxCents).toBe(500);
    expect(revenueChart(revenue([event(4, '2026-00-00 00:00:00', 100)]))).toBeNull();
  });
});

describe('admin DNS page and CSRF', () => {
  it('when a valid record is saved, then POST-redirect-GET shows it with a flash message, and it can be deleted', async () => {
    portal = withStub();
    const page = await get('/admin/dns');
    expect(page.status).toBe(200);
    const token = csrfToken(page.text);
    const saved = await post('/admin/dns').send({ _csrf: token, subdomain: 'shop', ip: '192.0.2.77' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/admin/dns?saved=shop.example.com');
    const after = await get(saved.headers.location!);
    expect(after.text).toContain('Saved the A-record for shop.example.com.');
    const row = /<td>shop\.<wbr>example\.<wbr>com<\/td>\s*<td><code>192\.0\.2\.77<\/code><\/td>[\s\S]*?href="(\/admin\/dns\/delete\?id=[^"]+)">Delete<span class="visually-hidden"> shop.example.com<\/span>/.exec(after.text);
    expect(row).not.toBeNull();
    // Deleting asks first, naming the record and where it points; the list link alone deletes nothing.
    const confirm = await get(row![1]!.replaceAll('&amp;', '&'));
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('<h1>Delete <bdi>shop.example.com</bdi>?</h1>');
    expect(confirm.text).toContain('<code>192.0.2.77</code>');
    expect((await get('/admin/dns')).text).toContain('192.0.2.77');
    const id = /name="id" value="([^"]+)"/.exec(confirm.text)![1]!;
    const deleted = await post('/admin/dns/delete').send({ _csrf: csrfToken(confirm.text), id, name: 'shop.example.com' });
    expect(deleted.status).toBe(303);
    const gone = await get(deleted.headers.location!);
    expect(gone.text).toContain('Deleted the A-record for shop.example.com.');
    expect(gone.text).not.toContain('192.0.2.77');
  });

  it('when the confirmation is opened for a record that is not there, then 404 says it may be deleted already, and nothing is asked', async () => {
    portal = withStub();
    const res = await get('/admin/dns/delete?id=rec_does_not_exist');
    expect(res.status).toBe(404);
    expect(res.text).toContain('That record is not there any more: it may have been deleted already.');
    expect(res.text).not.toContain('action="/admin/dns/delete"');
  });

  it('when the API refuses the record, then the form shows the API message with what was typed', async () => {
    portal = withStub();
    const token = csrfToken((await get('/admin/dns')).text);
    const res = await post('/admin/dns').send({ _csrf: token, subdomain: '-bad-', ip: '999.1.1.1' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/class="notice error" role="alert" id="dns-error">[^<]*(subdomain|ip)/);
    expect(res.text).toContain('value="-bad-"');
    expect(res.text).toContain('value="999.1.1.1"');
  });

  it('when an admin POST has no token, a wrong token, or comes from a foreign Origin, then 403 and nothing changes', async () => {
    portal = withStub();
    const token = csrfToken((await get('/admin/dns')).text);
    const before = (await get('/admin/dns')).text.match(/dns\/delete\?id=/g)?.length ?? 0;
    const missing = await post('/admin/dns').send({ subdomain: 'evil', ip: '198.51.100.1' });
    expect(missing.status).toBe(403);
    const wrong = await post('/admin/dns').send({ _csrf: `${token.split('.')[0]}.${'A'.repeat(43)}`, subdomain: 'evil', ip: '198.51.100.1' });
    expect(wrong.status).toBe(403);
    const foreign = await post('/admin/dns').set('Origin', 'https://evil.example').send({ _csrf: token, subdomain: 'evil', ip: '198.51.100.1' });
    expect(foreign.status).toBe(403);
    const foreignReferer = await post('/admin/dns').set('Referer', 'https://evil.example/page').send({ _csrf: token, subdomain: 'evil', ip: '198.51.100.1' });
    expect(foreignReferer.status).toBe(403);
    const nullOrigin = await post('/admin/dns').set('Origin', 'null').send({ _csrf: token, subdomain: 'evil', ip: '198.51.100.1' });
    expect(nullOrigin.status).toBe(403);
    const after = (await get('/admin/dns')).text;
    expect(after).not.toContain('evil.example.com');
    expect(after.match(/dns\/delete\?id=/g)?.length ?? 0).toBe(before);
  });

  it('when a token was issued for another user, then it is refused', async () => {
    portal = createTestPortal({ MINTOFFICE_API_URL: stub.url, MINTOFFICE_API_KEY: stub.apiKey(), ADMIN_USERNAME: 'alice' });
    const page = await request(portal.app).get('/admin/dns').auth('alice', ADMIN.password);
    const token = csrfToken(page.text);
    const { CsrfTokens } = await import('../../../src/portal/admin/csrf.js');
    const other = new CsrfTokens(portal.deps.db).issue('bob');
    expect(other).not.toBe(token);
    const res = await request(portal.app).post('/admin/dns').auth('alice', ADMIN.password).type('form').send({ _csrf: other, subdomain: 'x', ip: '198.51.100.1' });
    expect(res.status).toBe(403);
  });

  it('when the same-origin form is posted with its Origin, then it is accepted', async () => {
    portal = withStub();
    const token = csrfToken((await get('/admin/dns')).text);
    const res = await post('/admin/dns').set('Origin', 'http://127.0.0.1:8000').send({ _csrf: token, subdomain: 'www', ip: '203.0.113.20' });
    expect(res.status).toBe(303);
  });
});
