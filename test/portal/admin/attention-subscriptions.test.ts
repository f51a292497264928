import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseApiTime } from '../../../src/contract/index.js';
import { money } from '../../../src/portal/admin/labels.js';
import { checkoutAction, formKey, startShop, stubControl, type Shop } from '../shop/helpers.js';
import { ADMIN } from './support.js';
import { visibleText } from '../../support/html.js';

let shop: Shop | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

const attention = async (s: Shop) => (await request(s.target).get('/admin/attention').auth(ADMIN.user, ADMIN.password).expect(200)).text;
const waitFor = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 8_000, interval: 50 });

describe('admin needs-attention view: subscriptions whose payment failed', () => {
  it('when a subscriber\'s monthly renewal is declined at the stub, then the view lists it with the plan, customer email, when and a link to the order, and the tab counts it', async () => {
    shop = await startShop({ listening: true });
    await shop.portal.deps.catalog.refresh();
    const picker = await request(shop.target).get('/buy?plan=s1');
    const buy = await request(shop.target)
      .post('/buy')
      .type('form')
      .send({ plan: 's1', language: 'en', duration_months: '1', credit_usd: '0', subscribe: '1', email: 'late@example.com', idempotency_key: formKey(picker.text) });
    expect(buy.status).toBe(303);
    const ref = (await shop.orders()).at(-1)!.ref;
    // The stub's test card: pays at checkout, then every renewal is declined.
    await checkoutAction(buy.headers.location as string, 'pay', '4000000000009995');
    await waitFor(async () => expect((await shop!.order(ref))).toMatchObject({ status: 'ready', subscription_status: 'active' }));

    // A running subscription needs no attention.
    let page = await attention(shop);
    expect(visibleText(page)).toContain('No monthly payment failed in the last 30 days.');
    expect(page).not.toContain('late@example.com');
    expect(page).not.toContain('count-badge');

    const end = (await shop.order(ref))!.expires_at!;
    await stubControl(shop.stub!, 'clock', { advance_seconds: Math.ceil((parseApiTime(end) - shop.stub!.clock.now()) / 1000) + 1 });
    await waitFor(async () => expect((await shop!.order(ref))).toMatchObject({ subscription_status: 'payment_failed' }));

    page = await attention(shop);
    const section = /<h2>Failed subscription payments[\s\S]*?<\/section>/.exec(page)![0];
    const row = visibleText(/<tbody>[\s\S]*<\/tbody>/.exec(section)![0]);
    const order = (await shop.order(ref))!;
    expect(row).toContain('late@example.com');
    expect(row).toContain('Starter · monthly');
    // What the stub charges for the month, in the order's currency.
    expect(order.amount_cents).toBeGreaterThan(0);
    expect(row).toContain(money(order.amount_cents, order.currency));
    expect(row).toContain('just now');
    expect(row).toContain(`Order ${order.api_order_id}`);
    expect(section).toContain(`href="/admin/orders/${ref}"`);
    expect(section).toContain('href="mailto:late@example.com"');
    expect(section).not.toContain('payment_failed');
    expect(page).toMatch(/href="\/admin\/attention"[^>]*>Needs attention <span class="count-badge">1<span class="visually-hidden"> item/);
    // The link leads to that order's page.
    const orderPage = await request(shop.target).get(`/admin/orders/${ref}`).auth(ADMIN.user, ADMIN.password);
    expect(orderPage.status).toBe(200);
    expect(orderPage.text).toContain('late@example.com');
  });
});
