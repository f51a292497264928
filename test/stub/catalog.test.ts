import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { PackageCatalog, Settings } from '../../src/contract/index.js';
import { loadStubConfig } from '../../src/stub/index.js';
import { startTestStub, type TestStub } from '../support/stub.js';
import { bearer, cancel, createOrder, orderBody, pay, postOrder } from './helpers.js';

let stub: TestStub | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await stub?.close();
  stub = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function catalogFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'stub-catalog-'));
  dirs.push(dir);
  const path = join(dir, 'catalog.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** Packages as the platform now names them (the reference storefront's built-in list). */
const RENAMED = {
  packages: [
    { tier: 'trial', display_name: 'Trial', price_cents: 0 },
    { tier: 'starter', display_name: 'Starter', featured: true, price_cents: 1500, partner_cut_cents: 300, default_credit_usd: 10 },
    {
      tier: 'pro',
      display_name: 'Pro',
      price_cents: 3900,
      partner_cut_cents: 700,
      durations: [{ months: 1 }, { months: 12, label: 'A year', price_cents: 39000 }],
      subscription: { price_cents: 3500 },
    },
  ],
  credit_options: [
    { usd: 10, price_cents: 1000 },
    { usd: 25, price_cents: 2400 },
  ],
};

const get = (path: string) => request(stub!.url).get(`/api/v1${path}`).set(bearer(stub!));

describe('STUB_CATALOG_FILE', () => {
  it('when a catalog file renames the packages, then GET /catalog and GET /settings both list exactly them', async () => {
    stub = await startTestStub({ catalogFile: catalogFile(RENAMED) });
    const catalog = PackageCatalog.strict().parse((await get('/catalog')).body);
    expect(catalog.packages.map((p) => [p.tier, p.featured, p.subscription])).toEqual([
      ['trial', false, { available: false, price_cents: null }],
      ['starter', true, { available: true, price_cents: 1500 }],
      ['pro', false, { available: true, price_cents: 3500 }],
    ]);
    expect(catalog.packages[2]!.durations).toEqual([
      { months: 1, label: '1 month', price_cents: 3900 },
      { months: 12, label: 'A year', price_cents: 39000 },
    ]);
    expect(catalog.credit_options).toEqual(RENAMED.credit_options);
    const settings = Settings.strict().parse((await get('/settings')).body);
    expect(Object.keys(settings.pricing.tiers)).toEqual(['trial', 'starter', 'pro']);
    expect(settings.pricing.tiers.pro).toMatchObject({ price_cents: 3900, partner_cut_cents: 700 });
    expect(settings.allowed_credit_options).toEqual([10, 25]);
  });

  it('when a catalog lists other packages, then they can be ordered at the listed price plus the credit price, and others are refused by name', async () => {
    stub = await startTestStub({ catalogFile: catalogFile(RENAMED) });
    const year = await createOrder(stub, { tier: 'pro', duration_months: 12, credit_usd: 25 });
    expect(year).toMatchObject({ tier: 'pro', amount_cents: 39000 + 2400 });
    expect(await createOrder(stub, { tier: 'starter', duration_months: 3, credit_usd: 0 })).toMatchObject({ amount_cents: 4500 });
    const refused = await postOrder(stub, orderBody({ tier: 's1' }));
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'validation_error', message: 'tier: must be one of trial, starter, pro' });
    await pay(stub, year);
    const revenue = (await get('/revenue')).body;
    expect(revenue.events[0]).toMatchObject({ gross_cents: 41400, partner_cut_cents: 700 * 12 });
  });

  it.each([
    ['not JSON', '{', /^STUB_CATALOG_FILE: cannot read .* as JSON/],
    ['no packages', { packages: [] }, /^STUB_CATALOG_FILE: .*: packages: list at least one package$/],
    ['a typo in a key', { packages: [{ tier: 's1', display_name: 'S1', price_cents: 1, featurd: true }] }, /^STUB_CATALOG_FILE: .*: packages\.0: .*featurd/],
    ['a duplicate', { packages: [{ tier: 's1', display_name: 'A', price_cents: 1 }, { tier: 's1', display_name: 'B', price_cents: 1 }] }, /package "s1" is listed twice/],
    ['a subscribable trial', { packages: [{ tier: 'trial', display_name: 'T', price_cents: 0, subscription: true }] }, /a trial cannot be subscribed/],
  ])('when the catalog file has %s, then start-up fails with one line naming STUB_CATALOG_FILE', (_what, content, message) => {
    expect(() => loadStubConfig({ STUB_CATALOG_FILE: catalogFile(content) })).toThrow(message);
  });

  it('when STUB_CATALOG_FILE is the shipped example, then it loads', async () => {
    stub = await startTestStub({ catalogFile: 'examples/catalog.json' });
    expect((await get('/catalog')).body.packages.map((p: { tier: string }) => p.tier)).toEqual(['trial', 'starter', 'pro']);
  });

  it('when the catalog file does not exist, then start-up fails naming it', () => {
    expect(() => loadStubConfig({ STUB_CATALOG_FILE: '/nonexistent/catalog.json' })).toThrow(/^STUB_CATALOG_FILE: cannot read \/nonexistent\/catalog\.json/);
  });
});

describe('branded checkout', () => {
  it('when an order has no product_name, then the checkout titles it generically and the API answer keeps the spec shape', async () => {
    stub = await startTestStub();
    const order = await createOrder(stub, { tier: 's2', duration_months: 3 });
    expect(Object.keys(order)).not.toContain('product_name');
    const page = await request(stub.url).get(new URL(order.checkout_url!).pathname);
    expect(page.text).toContain('<h1>S2 · 3 months</h1>');
    expect(page.text).toContain('id="email" name="email" type="email" value=""');
  });

  it('when an order carries product_name and customer_email, then the checkout shows them (escaped) and the order echoes them', async () => {
    stub = await startTestStub();
    const order = await createOrder(stub, { product_name: 'Acme <b>Starter</b> · 1 month', customer_email: 'ada@example.com' });
    expect(order).toMatchObject({ product_name: 'Acme <b>Starter</b> · 1 month', customer_email: 'ada@example.com' });
    const page = await request(stub.url).get(new URL(order.checkout_url!).pathname);
    expect(page.text).toContain('<h1>Acme &lt;b&gt;Starter&lt;/b&gt; · 1 month</h1>');
    expect(page.text).toContain('value="ada@example.com"');
  });

  it.each([
    [{ product_name: '' }, 'product_name: must not be empty'],
    [{ product_name: 'x'.repeat(201) }, 'product_name: must be at most 200 characters'],
    [{ product_name: 'two\nlines' }, 'product_name: must be one line of plain text'],
    [{ customer_email: 'nobody' }, 'customer_email: must be an email address'],
  ])('when an order has %j, then 422 says "%s"', async (overrides, message) => {
    stub = await startTestStub();
    const res = await postOrder(stub, orderBody(overrides));
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe(message);
  });

  it('when return URLs carry {CHECKOUT_SESSION_ID} and {ORDER_ID}, then both are substituted on pay and on cancel', async () => {
    stub = await startTestStub();
    const urls = { success_url: 'https://shop.example/ok?s={CHECKOUT_SESSION_ID}&o={ORDER_ID}', cancel_url: 'https://shop.example/no?s={CHECKOUT_SESSION_ID}' };
    const paid = await createOrder(stub, urls);
    const session = (o: { checkout_url: string | null }) => new URL(o.checkout_url!).pathname.split('/').pop();
    expect((await pay(stub, paid)).headers.location).toBe(`https://shop.example/ok?s=${session(paid)}&o=${paid.id}`);
    const dropped = await createOrder(stub, urls);
    expect((await cancel(stub, dropped)).headers.location).toBe(`https://shop.example/no?s=${session(dropped)}`);
  });
});
