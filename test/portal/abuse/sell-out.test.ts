import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { BUY, formKey, startShop, type Shop } from '../shop/helpers.js';

let shop: Shop | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

const ADMIN_AUTH = `Basic ${Buffer.from('admin:correct-horse-battery').toString('base64')}`;

/** One client's POST /buy with a fresh form key, from `ip` (TRUST_PROXY is on in these tests). */
async function buyFrom(s: Shop, ip: string) {
  const page = await request(s.target).get('/buy?plan=s1').set('X-Forwarded-For', ip);
  return request(s.target).post('/buy').set('X-Forwarded-For', ip).type('form').send({ ...BUY, idempotency_key: formKey(page.text) });
}

describe('one client cannot sell the shop out', () => {
  it('when one client posts twelve orders with fresh keys (quota 10), then it is stopped early and real customers can still buy', async () => {
    shop = await startShop({ stub: { deployQuota: 10 }, env: { TRUST_PROXY: 'true' } });
    const attack: number[] = [];
    for (let i = 0; i < 12; i++) attack.push((await buyFrom(shop, '203.0.113.66')).status);
    expect(attack.filter((s) => s === 303).length).toBeLessThanOrEqual(2);
    expect(attack.filter((s) => s !== 303).every((s) => s === 429)).toBe(true);

    for (const customer of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      const res = await buyFrom(shop, customer);
      expect(res.status).toBe(303);
      expect(res.headers.location).toContain('/checkout/');
    }
  });

  it('when a client has its unpaid orders open, then its next order is refused with a message saying why, and the form keeps its choices', async () => {
    shop = await startShop({ env: { TRUST_PROXY: 'true', BUY_OPEN_ORDERS_LIMIT: '1' } });
    expect((await buyFrom(shop, '203.0.113.7')).status).toBe(303);
    const res = await buyFrom(shop, '203.0.113.7');
    expect(res.status).toBe(429);
    expect(res.text).toContain('waiting for payment');
    expect(shop.orders()).toHaveLength(1);
  });

  it('when a client posts faster than BUY_RATE_LIMIT, then 429 with Retry-After, and re-posting an accepted form still reaches its checkout', async () => {
    shop = await startShop({ env: { TRUST_PROXY: 'true', BUY_RATE_LIMIT: '2', BUY_OPEN_ORDERS_LIMIT: '50' } });
    const page = await request(shop.target).get('/buy?plan=s1');
    const key = formKey(page.text);
    const first = await request(shop.target).post('/buy').set('X-Forwarded-For', '203.0.113.8').type('form').send({ ...BUY, idempotency_key: key });
    expect(first.status).toBe(303);
    expect((await buyFrom(shop, '203.0.113.8')).status).toBe(303);
    const third = await buyFrom(shop, '203.0.113.8');
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    // The same form again (a double click, a refresh) is the same order, not a new one.
    const again = await request(shop.target).post('/buy').set('X-Forwarded-For', '203.0.113.8').type('form').send({ ...BUY, idempotency_key: key });
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(first.headers.location);
  });

  it('when unpaid orders hold most of the deploy quota, then the admin console says it needs attention', async () => {
    shop = await startShop({ env: { TRUST_PROXY: 'true', DEPLOY_QUOTA: '4' } });
    const before = await request(shop.target).get('/admin').set('Authorization', ADMIN_AUTH);
    expect(before.status).toBe(200);
    expect(before.text).not.toContain('<strong>Needs attention:</strong>');
    expect(before.text).not.toContain('count-badge');
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) expect((await buyFrom(shop, ip)).status).toBe(303);
    const after = await request(shop.target).get('/admin/orders').set('Authorization', ADMIN_AUTH);
    expect(after.text).toContain('<strong>Needs attention:</strong>');
    expect(after.text).toContain('3 of 4 deploy slots');
    // Folded into the needs-attention view and its tab's count.
    expect(after.text).toMatch(/Needs attention <span class="count-badge">1</);
    const view = await request(shop.target).get('/admin/attention').set('Authorization', ADMIN_AUTH);
    expect(view.text).toMatch(/Deploy slots <span class="pill bad">nearly used<\/span><\/h2>\s*<p class="">3 of 4 deploy slots/);
  });
});
