import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TABS } from '../../src/portal/admin/render.js';
import { browserAvailable, connectBrowser } from '../support/browser.js';
import { ADMIN } from '../portal/admin/support.js';
import { checkoutAction, formKey, refOf, startShop, type Shop } from '../portal/shop/helpers.js';

/**
 * axe-core over every shop and admin page, at desktop and phone width, with real data from a real
 * purchase loop (portal + stub, webhooks included). A page passes with no serious or critical
 * violation of WCAG 2.2 A/AA or axe's best practices.
 */
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

let shop: Shop;
let browser: Browser;
const refs: Record<string, string> = {};
let dnsId = '';
let checkoutUrl = '';

async function buy(card: string | null, action: 'pay' | 'cancel' | 'none' = 'pay', plan = 's1'): Promise<string> {
  const form = await fetch(`${shop.baseUrl}/buy?plan=${plan}`);
  const key = formKey(await form.text());
  const res = await fetch(`${shop.baseUrl}/buy`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ plan, duration_months: '3', credit_usd: '0', language: 'en', idempotency_key: key }).toString(),
  });
  const checkout = res.headers.get('location')!;
  if (action === 'none') {
    checkoutUrl = checkout;
    return shop.orders().at(-1)!.ref;
  }
  const done = await checkoutAction(checkout, action, card ?? undefined);
  return action === 'pay' ? refOf(done.location!) : shop.orders().at(-1)!.ref;
}

beforeAll(async () => {
  if (!browserAvailable()) return;
  shop = await startShop({ listening: true });
  refs.ready = await buy('4242424242424242');
  refs.failed = await buy('4000000000000341');
  refs.cancelled = await buy(null, 'cancel');
  refs.awaiting = await buy(null, 'none');
  await vi.waitFor(() => expect(shop.order(refs.ready!)?.status).toBe('ready'), { timeout: 15_000, interval: 50 });
  await vi.waitFor(() => expect(shop.order(refs.failed!)?.status).toBe('failed'), { timeout: 15_000, interval: 50 });
  for (const [name, type] of [['Ada Lovelace', 'enterprise'], ['Bob', 'general']] as const) {
    await fetch(`${shop.baseUrl}/api/partner`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, email: 'ada@example.com', company: 'Acme', type, message: 'We would like to resell agents.' }),
    });
  }
  for (let i = 0; i < 5; i++) {
    await fetch(`${shop.baseUrl}/webhooks/mintoffice`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-mintbot-signature': 't=1,v1=00', 'x-mintbot-event-id': `evt_x_${i}`, 'x-mintbot-event-type': 'order.paid' }, body: '{}' });
  }
  const record = await shop.portal.deps.api.upsertDnsRecord({ subdomain: 'www', ip: '203.0.113.10' });
  if (!record.ok) throw new Error('could not seed a DNS record');
  dnsId = record.value.records.find((r) => r.name.startsWith('www.'))!.id;
  browser = await connectBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
});

type Visit = { name: string; path: () => string; admin?: boolean; before?: (page: Page) => Promise<void> };

const SHOP_PAGES: Visit[] = [
  { name: 'landing', path: () => '/' },
  { name: 'picker', path: () => '/buy?plan=s1' },
  { name: 'picker, trial', path: () => '/buy?plan=trial' },
  { name: 'status, awaiting payment', path: () => `/thank-you?ref=${refs.awaiting}` },
  { name: 'status, ready', path: () => `/thank-you?ref=${refs.ready}` },
  { name: 'status, set-up failed', path: () => `/thank-you?ref=${refs.failed}` },
  { name: 'status, cancelled', path: () => `/thank-you?ref=${refs.cancelled}` },
  { name: 'status, unknown order', path: () => '/thank-you?ref=AAAAAAAAAAAAAAAAAAAAAAAA' },
  { name: 'cancel', path: () => '/cancel' },
  { name: 'partners', path: () => '/partners' },
  {
    name: 'partners, after a failed submit',
    path: () => '/partners',
    before: async (page) => {
      await page.locator('form button[type="submit"]').last().click();
      await page.waitForLoadState();
    },
  },
  { name: 'not found', path: () => '/no-such-page' },
  { name: 'checkout (stub)', path: () => checkoutUrl },
];

const ADMIN_PAGES: Visit[] = [
  ...TABS.map((tab) => ({ name: `admin ${tab.label}`, path: () => tab.href, admin: true })),
  { name: 'admin events, filtered', path: () => '/admin?type=agent.ready', admin: true },
  { name: 'admin events, payload open', path: () => '/admin', admin: true, before: async (page) => {
      await page.locator('table.events-table summary').first().click();
    } },
  { name: 'admin order, ready', path: () => `/admin/orders/${refs.ready}`, admin: true },
  { name: 'admin order, failed', path: () => `/admin/orders/${refs.failed}`, admin: true },
  { name: 'admin DNS delete confirmation', path: () => `/admin/dns/delete?id=${encodeURIComponent(dnsId)}`, admin: true },
  { name: 'admin inquiries, handled', path: () => '/admin/inquiries?show=handled', admin: true },
  { name: 'admin not found', path: () => '/admin/no-such-page', admin: true },
  { name: 'admin, a filter that is not valid (400)', path: () => '/admin?before=yesterday', admin: true },
];

async function violations(visit: Visit, viewport: { width: number; height: number }): Promise<Violation[]> {
  // bypassCSP: axe is injected as an inline script; the pages themselves stay as served.
  const context = await browser.newContext({
    viewport,
    bypassCSP: true,
    ...(visit.admin ? { httpCredentials: { username: ADMIN.user, password: ADMIN.password } } : {}),
  });
  try {
    const page = await context.newPage();
    const path = visit.path();
    const response = await page.goto(path.startsWith('http') ? path : `${shop.baseUrl}${path}`);
    expect(response, `no response for ${path}`).not.toBeNull();
    await visit.before?.(page);
    await page.addScriptTag({ path: AXE_PATH });
    const result = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Violation[] }> } }).axe;
      return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  } finally {
    await context.close();
  }
}

const describeIf = describe.runIf(browserAvailable());
describeIf('accessibility (axe-core), every shop and admin page', () => {
  for (const viewport of VIEWPORTS) {
    it.each([...SHOP_PAGES, ...ADMIN_PAGES])(`when $name is opened at ${viewport.name} width (${viewport.width} px), then axe finds no serious or critical violation`, async (visit) => {
      const found = await violations(visit, viewport);
      const report = found.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n')}`);
      expect(report).toEqual([]);
    }, 30_000);
  }
});

describeIf('admin on a phone', () => {
  it('when the orders list is opened at 390 px, then each row is a card and its amount is on screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, httpCredentials: { username: ADMIN.user, password: ADMIN.password } });
    try {
      const page = await context.newPage();
      await page.goto(`${shop.baseUrl}/admin/orders`);
      const amount = page.locator('td[data-label="Amount"]').first();
      await expect(amount.textContent()).resolves.toBe('$36.00');
      const box = (await amount.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      // A card shows its labels itself: the header row is off screen, each cell is a full-width line.
      const row = (await page.locator('table.data tbody tr').first().boundingBox())!;
      expect(row.width).toBeGreaterThan(300);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    } finally {
      await context.close();
    }
  });
});
