import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acceptedLanguage, negotiateLanguage } from '../../../src/portal/i18n/negotiate.js';
import { BUY, formKey, startShop, type Shop } from './helpers.js';

let shop: Shop | undefined;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lang-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

const SHOP = ['en', 'de', 'et', 'pt-BR'];

describe('choosing the language', () => {
  it.each([
    ['de-AT,de;q=0.9,en;q=0.5', 'de'],
    ['pt', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
    ['fr, et;q=0.3', 'et'],
    ['en;q=0.1, de;q=0.8', 'de'],
    ['fr', undefined],
    ['*', undefined],
    ['', undefined],
  ])('when the browser sends Accept-Language %j, then the shop picks %s', (header, expected) => {
    expect(acceptedLanguage(header, SHOP)).toBe(expected);
  });

  it('when several sources disagree, then a choice made now beats the cookie, which beats the order, which beats the browser', () => {
    const all = { chosen: 'et', cookie: 'de', order: 'pt-BR', acceptLanguage: 'en' };
    expect(negotiateLanguage(all, SHOP, 'en')).toBe('et');
    expect(negotiateLanguage({ ...all, chosen: undefined }, SHOP, 'en')).toBe('de');
    expect(negotiateLanguage({ ...all, chosen: 'xx', cookie: 'nope' }, SHOP, 'en')).toBe('pt-BR');
    expect(negotiateLanguage({ acceptLanguage: 'pt' }, SHOP, 'en')).toBe('pt-BR');
    expect(negotiateLanguage({}, SHOP, 'en')).toBe('en');
  });
});

describe('the shop in the customer’s language', () => {
  it('when a German browser opens the landing page, then it is German, with prices in German format, the plan copy from plans.json, and the switcher', async () => {
    shop = await startShop();
    const page = await request(shop.target).get('/').set('Accept-Language', 'de-DE,de;q=0.9');
    expect(page.status).toBe(200);
    expect(page.headers['content-language']).toBe('de');
    expect(page.headers.vary).toBe('Accept-Language, Cookie');
    expect(page.text).toContain('<html lang="de">');
    expect(page.text).toContain('Ihr eigener KI-Agent, in wenigen Minuten einsatzbereit');
    expect(page.text).toContain('TESTMODUS');
    expect(page.text).toContain('<strong>12\u00a0$</strong> <span>/ Monat</span>');
    expect(page.text).toContain('<h2>Test</h2>');
    expect(page.text).toContain('Lernen Sie Ihren Agenten einen Tag lang kennen.');
    expect(page.text).toContain('<strong>Kostenlos</strong>');
    for (const [code, label] of [['en', 'English'], ['de', 'Deutsch'], ['et', 'Eesti'], ['pt-BR', 'Português (Brasil)']]) {
      expect(page.text).toContain(`<a href="/?lang=${code}" hreflang="${code}" lang="${code}"`);
      expect(page.text).toContain(`>${label}</a>`);
    }
    expect(page.text).toMatch(/hreflang="de" lang="de" aria-current="true">Deutsch/);
  });

  it('when the customer follows the switcher, then the choice is remembered in a cookie and every later page speaks it, whatever the browser says', async () => {
    shop = await startShop();
    const switched = await request(shop.target).get('/buy?plan=s1&lang=et').set('Accept-Language', 'de');
    expect(switched.headers['set-cookie']).toEqual([expect.stringMatching(/^lang=et; Path=\/; Max-Age=31536000; SameSite=Lax$/)]);
    expect(switched.text).toContain('<html lang="et">');
    expect(switched.text).toContain('Vali oma pakett');
    const cookie = 'lang=et';
    for (const path of ['/', '/buy', '/partners', '/no-such-page', '/thank-you?ref=unknown']) {
      const page = await request(shop.target).get(path).set('Cookie', cookie).set('Accept-Language', 'de').set('Accept', 'text/html');
      expect(page.text, path).toContain('<html lang="et">');
      expect(page.text, path).toContain('TESTIREŽIIM');
      expect(page.text, path).toContain('<nav class="lang-switch" aria-label="Keel">');
    }
    expect((await request(shop.target).get('/no-such-page').set('Cookie', cookie).set('Accept', 'text/html')).text).toContain('Lehte ei leitud');
  });

  it('when the fast path answers a language, then the bytes and headers are the ones Express sends for it', async () => {
    shop = await startShop();
    for (const headers of [{ 'Accept-Language': 'pt-BR' }, { Cookie: 'lang=de' }, {}]) {
      for (const path of ['/', '/buy?plan=s2']) {
        const fast = await request(shop.target).get(path).set({ 'X-Request-Id': 'req-12345678', ...headers });
        const slow = await request(shop.portal.app).get(path).set({ 'X-Request-Id': 'req-12345678', ...headers });
        const strip = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => !['date', 'connection', 'keep-alive', 'content-length'].includes(k)));
        expect(strip(fast.headers)).toEqual(strip(slow.headers));
        expect(fast.text.replace(/value="[0-9a-f-]{36}"/, 'KEY')).toBe(slow.text.replace(/value="[0-9a-f-]{36}"/, 'KEY'));
      }
    }
    expect((await request(shop.target).get('/buy?plan=s2').set('Accept-Language', 'pt-BR')).text).toContain('Escolha seu plano');
  });

  it('when the customer picks a language in the picker, then the next pages (and the status page of that order) speak it', async () => {
    shop = await startShop();
    const form = await request(shop.target).get('/buy?plan=s1');
    const res = await request(shop.target).post('/buy').type('form').send({ ...BUY, language: 'pt-BR', idempotency_key: formKey(form.text) });
    expect(res.status).toBe(303);
    expect(res.headers['set-cookie']).toEqual([expect.stringMatching(/^lang=pt-BR;/)]);
    const ref = shop.orders()[0]!.ref;
    const status = await request(shop.target).get(`/thank-you?ref=${ref}`);
    expect(status.text).toContain('<html lang="pt-BR">');
    expect(status.text).toContain('Aguardando seu pagamento');
    expect(status.text).toContain('Pedido · Inicial, 3 meses');
  });

  it('when a plan has no translation for a language, then its English copy shows while the page is translated', async () => {
    const path = join(dir, 'partial.json');
    writeFileSync(path, JSON.stringify({
      plans: [{ tier: 's1', name: 'Solo', blurb: 'Just you.', features: ['One agent'], translations: { de: { blurb: 'Nur Sie.' } } }],
      languages: [{ code: 'en', label: 'English' }, { code: 'de', label: 'Deutsch' }],
    }));
    shop = await startShop({ env: { PLANS_FILE: path } });
    const page = await request(shop.target).get('/').set('Accept-Language', 'de');
    expect(page.text).toContain('<h2>Solo</h2>');
    expect(page.text).toContain('Nur Sie.');
    expect(page.text).toContain('<li>One agent</li>');
    expect(page.text).toContain('So funktioniert es');
    // Only the languages the plans file lists are offered.
    expect(page.text).not.toContain('hreflang="et"');
  });
});
