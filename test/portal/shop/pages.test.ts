import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/portal/config.js';
import { createTestPortal } from '../../support/portal.js';
import { apiSettings, startFakeApi, type FakeApi } from './fake-api.js';
import { BUY, formKey, startShop, type Shop } from './helpers.js';

let shop: Shop | undefined;
let fake: FakeApi | undefined;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plans-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await shop?.close();
  await fake?.close();
  shop = undefined;
  fake = undefined;
});

function plansFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const HOSTILE = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>';

describe('landing page and picker', () => {
  it('when prices are cached, then / shows the partner’s plan copy with API prices, trial as Free and the featured plan as Recommended', async () => {
    shop = await startShop();
    const page = await request(shop.target).get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const cards = page.text.split('<article').slice(1);
    expect(cards).toHaveLength(4);
    expect(cards[0]).toContain('<h2>Trial</h2>');
    expect(cards[0]).toContain('<strong>Free</strong>');
    expect(cards[1]).toContain('<strong>$12</strong> <span>/ month</span>');
    expect(cards[2]).toContain('class="plan-card featured"');
    expect(cards[2]).toContain('Recommended');
    expect(cards.filter((c) => c.includes('Recommended'))).toHaveLength(1);
    expect(cards[3]).toContain('<strong>$48</strong>');
    expect(page.text).toContain('TEST MODE');
    expect(page.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"]*\.(css|js|woff2?)/); // nothing from a CDN
  });

  it('when the API has never answered (settings cache empty), then the plans still show with a clear note instead of prices', async () => {
    fake = await startFakeApi();
    fake.fallback = () => ({ status: 503, raw: 'down' });
    shop = await startShop({ stub: false, env: { MINTOFFICE_API_URL: fake.url } });
    expect(shop.portal.deps.settings.get()).toBeUndefined();
    const home = await request(shop.target).get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('<h2>Starter</h2>');
    expect(home.text).toContain('Price shown at checkout');
    expect(home.text).toContain('<strong>Free</strong>'); // trial is free whatever the API says
    const buy = await request(shop.target).get('/buy');
    expect(buy.status).toBe(200);
    expect(buy.text).toContain('Shown at checkout');
    expect(buy.text).toContain('Credit bundles are not available right now');
  });

  it('when the settings refresh, then the cached pages follow the new prices', async () => {
    fake = await startFakeApi();
    fake.script({ status: 200, body: apiSettings() }, { status: 200, body: apiSettings({ prices: { trial: 0, s1: 1500, s2: 2400, s4: 4800 } }) });
    shop = await startShop({ stub: false, env: { MINTOFFICE_API_URL: fake.url } });
    expect((await request(shop.target).get('/')).text).toContain('<strong>$12</strong>');
    await shop.portal.deps.settings.refresh();
    expect((await request(shop.target).get('/')).text).toContain('<strong>$15</strong>');
    expect((await request(shop.target).get('/buy?plan=s1')).text).toContain('$45 in total');
  });

  it('when /buy?plan= names a plan, then it is pre-selected with its totals; an unknown plan is ignored', async () => {
    shop = await startShop();
    const s4 = await request(shop.target).get('/buy?plan=s4');
    expect(s4.text).toContain('name="plan" value="s4" data-name="Pro" data-price-cents="4800" checked');
    expect(s4.text).toContain('$144 in total');
    expect(s4.text).toContain('$576 in total');
    const unknown = await request(shop.target).get('/buy?plan=%3Cscript%3E');
    expect(unknown.status).toBe(200);
    expect(unknown.text).toContain('name="plan" value="s2" data-name="Team" data-price-cents="2400" checked');
    expect(unknown.text).not.toContain('<script>');
  });

  it('when the picker is shown, then it posts exactly plan, duration_months, credit_usd, language and a hidden idempotency_key new on each view', async () => {
    shop = await startShop();
    const a = await request(shop.target).get('/buy');
    const b = await request(shop.target).get('/buy');
    expect(a.headers['cache-control']).toBe('no-store');
    const form = a.text.slice(a.text.indexOf('<form'), a.text.indexOf('</form>'));
    const names = new Set([...form.matchAll(/\sname="([^"]+)"/g)].map((m) => m[1]));
    expect(names).toEqual(new Set(['plan', 'duration_months', 'credit_usd', 'language', 'idempotency_key']));
    expect(a.text).toContain('<input type="hidden" name="idempotency_key"');
    expect(formKey(a.text)).not.toBe(formKey(b.text));
    for (const credit of ['0', '10', '20', '50']) expect(a.text).toContain(`name="credit_usd" value="${credit}"`);
    expect(a.text).toContain('No credit');
    for (const months of ['1', '3', '12']) expect(a.text).toContain(`name="duration_months" value="${months}"`);
    expect(a.text).toContain('<form class="panel buy-form" method="post" action="/buy"');
  });

  it('when the picker is submitted with "Update summary" (no script), then the same page shows the summary for those choices', async () => {
    shop = await startShop();
    const page = await request(shop.target).get('/buy?plan=s2&duration_months=12&credit_usd=20&language=en&idempotency_key=ignored');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<dd id="summary-plan">Team</dd>');
    expect(page.text).toContain('<dd id="summary-duration">12 months</dd>');
    expect(page.text).toContain('<dd id="summary-credit">$20, included in the price</dd>');
    expect(page.text).toContain('<strong id="order-total">$288</strong>');
    expect(page.text).toContain('<noscript><button type="submit" class="secondary" formmethod="get" formaction="/buy">Update summary</button></noscript>');
    // A trial shows neither months nor credit, whatever the link says.
    const trial = await request(shop.target).get('/buy?plan=trial&duration_months=12&credit_usd=20');
    expect(trial.text).toMatch(/<fieldset data-paid-only hidden disabled>\s*<legend>How long<\/legend>/);
    expect(trial.text).toMatch(/<fieldset data-paid-only hidden disabled>\s*<legend>Chat credit<\/legend>/);
    expect(trial.text).toContain('<strong id="order-total">Free</strong>');
  });

  it('when the fast path answers GET / and /buy, then the bytes and headers are the ones Express would send', async () => {
    shop = await startShop();
    const app = shop.portal.app;
    for (const path of ['/', '/buy?plan=s1']) {
      const fast = await request(shop.target).get(path).set('X-Request-Id', 'req-12345678');
      const slow = await request(app).get(path).set('X-Request-Id', 'req-12345678');
      const strip = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => !['date', 'connection', 'keep-alive', 'content-length'].includes(k)));
      expect(strip(fast.headers)).toEqual(strip(slow.headers));
      expect(fast.headers['x-request-id']).toBe('req-12345678');
      expect(fast.text.replace(/value="[0-9a-f-]{36}"/, 'KEY')).toBe(slow.text.replace(/value="[0-9a-f-]{36}"/, 'KEY'));
    }
  });

  it('when a browser asks for a missing page, then the branded 404; an API client gets JSON', async () => {
    shop = await startShop({ stub: false });
    const page = await request(shop.target).get('/no-such-page').set('Accept', 'text/html');
    expect(page.status).toBe(404);
    expect(page.text).toContain('Page not found');
    expect(page.text).toContain('ExampleAI');
    const json = await request(shop.target).get('/no-such-page').set('Accept', 'application/json');
    expect(json.body).toEqual({ error: expect.any(String) });
  });
});

describe('escaping and the plans file', () => {
  it('when the brand and the partner’s plan copy are hostile, then every page shows them as text', async () => {
    const path = plansFile('hostile.json', {
      featured: 's1',
      plans: [{ tier: 's1', name: HOSTILE.slice(0, 40), blurb: HOSTILE, features: [HOSTILE.slice(0, 80)] }],
      languages: [{ code: 'en', label: HOSTILE.slice(0, 40) }],
      support_email: 'help@example.com',
    });
    shop = await startShop({ env: { PARTNER_BRAND: '<b>Evil</b>"&\'', PLANS_FILE: path } });
    const pages = [await request(shop.target).get('/'), await request(shop.target).get('/buy'), await request(shop.target).get('/cancel?plan=s1')];
    const bad = await request(shop.target).post('/buy').type('form').send({ ...BUY, plan: 's1', duration_months: '9', idempotency_key: formKey(pages[1]!.text) });
    pages.push(bad);
    for (const page of pages) {
      expect(page.text).not.toContain('<script>alert(1)');
      expect(page.text).not.toContain('<img src=x');
      expect(page.text).not.toContain('<b>Evil</b>');
      expect(page.text).toContain('&lt;b&gt;Evil&lt;/b&gt;');
    }
    expect(pages[0]!.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it.each([
    ['a missing file', null, /PLANS_FILE: cannot read .*no such file/],
    ['invalid JSON', '{ "plans": [', /PLANS_FILE: .* is not valid JSON/],
    // Any package name is accepted (copy for a package the API's catalog sells); a malformed one is not.
    ['a malformed tier', { plans: [{ tier: 'S 8', name: 'X', blurb: 'Y' }] }, /PLANS_FILE: .*: plans\.0\.tier: must be a package name such as "s1"/],
    ['a plan listed twice', { plans: [{ tier: 's1', name: 'X', blurb: 'Y' }, { tier: 's1', name: 'Z', blurb: 'W' }] }, /plans\.1\.tier: "s1" is listed twice/],
    ['a featured plan that is not listed', { featured: 's4', plans: [{ tier: 's1', name: 'X', blurb: 'Y' }] }, /featured: "s4" is not one of the listed plans/],
    ['a misspelt key', { plans: [{ tier: 's1', name: 'X', blurb: 'Y', feautres: [] }] }, /PLANS_FILE: .*plans\.0/],
    ['an empty name', { plans: [{ tier: 's1', name: ' ', blurb: 'Y' }] }, /plans\.0\.name: must not be empty/],
  ])('when the plans file has %s, then start-up fails with one line naming PLANS_FILE', (name, content, message) => {
    const path = content === null ? join(dir, 'missing.json') : plansFile(`${name.replace(/\W/g, '-')}.json`, content);
    let error: unknown;
    try {
      const portal = createTestPortal({ PLANS_FILE: path });
      void portal.close();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
