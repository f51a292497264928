import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseApiTime } from '../../src/contract/index.js';
import { startTestStub, type TestStub } from '../support/stub.js';
import { bearer, cancel, createOrder, getOrder, pay, sessionPath } from './helpers.js';

let stub: TestStub;
beforeEach(async () => {
  stub = await startTestStub();
});
afterEach(() => stub.close());

describe('GET /checkout/<session_id>', () => {
  it('when the session exists, then the page shows the summary, a prefilled card field, Pay and Cancel, and no script', async () => {
    const order = await createOrder(stub, { tier: 's2', duration_months: 3, credit_usd: 20 });
    const res = await request(stub.url).get(sessionPath(order));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).toContain('name="viewport"');
    expect(res.text).toMatch(/<dt>Plan<\/dt><dd>s2<\/dd>/);
    expect(res.text).toMatch(/<dt>Duration<\/dt><dd>3 months<\/dd>/);
    expect(res.text).toMatch(/<dt>Chat credit<\/dt><dd>\$20<\/dd>/);
    expect(res.text).toContain('$72.00');
    expect(res.text).toContain('value="4242 4242 4242 4242"');
    expect(res.text).toContain(`action="${sessionPath(order)}/pay"`);
    expect(res.text).toContain(`action="${sessionPath(order)}/cancel"`);
    expect(res.text).not.toMatch(/<script|https?:\/\/(?!shop)/i);
  });

  it('when the session is unknown, then a 404 page', async () => {
    for (const path of ['/checkout/cs_test_000000000000000000000000', '/checkout/%3Cscript%3E', '/checkout/x/y/z']) {
      const res = await request(stub.url).get(path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).not.toContain('<script>');
    }
  });

  it('when a declined card is re-rendered, then what the visitor typed is escaped', async () => {
    const order = await createOrder(stub);
    const res = await pay(stub, order, '"><script>alert(1)</script>');
    expect(res.status).toBe(422);
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('&quot;&gt;&lt;script&gt;');
  });
});

describe('POST /checkout/<session_id>/pay', () => {
  it('when paid with 4242…, then 303 to success_url with {ORDER_ID} replaced and the order is completed', async () => {
    const order = await createOrder(stub);
    const res = await pay(stub, order);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`https://shop.example/thanks?id=${order.id}`);
  });

  it('when paid, then status completed and paid_at are set, then the agent is deployed with panel_url and expires_at', async () => {
    const slow = await startTestStub({ deploySeconds: 3 });
    try {
      const order = await createOrder(slow, { duration_months: 3 });
      await pay(slow, order);
      const paid = await getOrder(slow, order.id);
      expect(paid.status).toBe('completed');
      expect(paid.paid_at).not.toBeNull();
      expect(paid.panel_url).toBeNull();
      await slow.clock.advance(3);
      const deployed = await getOrder(slow, order.id);
      expect(deployed.status).toBe('deployed');
      expect(deployed.panel_url).toBe(`https://agent${order.id}.example.com/panel`);
      const paidAt = new Date(parseApiTime(paid.paid_at!));
      const expected = new Date(paidAt);
      expected.setUTCMonth(expected.getUTCMonth() + 3);
      if (expected.getUTCDate() !== paidAt.getUTCDate()) expected.setUTCDate(0);
      expect(parseApiTime(deployed.expires_at!)).toBe(expected.getTime());
    } finally {
      await slow.close();
    }
  });

  it('when a trial is paid, then its agent lives 24 hours', async () => {
    const order = await createOrder(stub, { tier: 'trial', duration_months: 12 });
    await pay(stub, order);
    await stub.idle();
    const deployed = await getOrder(stub, order.id);
    expect(parseApiTime(deployed.expires_at!) - parseApiTime(deployed.paid_at!)).toBe(24 * 3600 * 1000);
  });

  it('when card 4000 0000 0000 0002 is used, then 402 with the message re-rendered and the order unchanged', async () => {
    const order = await createOrder(stub);
    const res = await pay(stub, order, '4000 0000 0000 0002');
    expect(res.status).toBe(402);
    expect(res.text).toContain('Your card was declined');
    expect(res.text).toContain('value="4000 0000 0000 0002"');
    expect(await getOrder(stub, order.id)).toEqual(order);
  });

  it('when card 4000 0000 0000 0341 is used, then it pays but the deploy fails', async () => {
    const order = await createOrder(stub);
    expect((await pay(stub, order, '4000000000000341')).status).toBe(303);
    await stub.idle();
    const failed = await getOrder(stub, order.id);
    expect(failed.status).toBe('deploy_failed');
    expect(failed.paid_at).not.toBeNull();
    expect(failed.panel_url).toBeNull();
  });

  it('when the card field is empty or not digits, then 422 page and the order unchanged', async () => {
    const order = await createOrder(stub);
    const res = await request(stub.url).post(`${sessionPath(order)}/pay`).type('form').send({});
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter a card number');
    expect((await getOrder(stub, order.id)).status).toBe('awaiting_payment');
  });

  it('when the order is paid twice, then the second attempt is a 409 page', async () => {
    const order = await createOrder(stub);
    await pay(stub, order);
    const again = await pay(stub, order);
    expect(again.status).toBe(409);
    expect(again.text).toContain('already been paid');
    const list = await request(stub.url).get('/api/v1/revenue').set(bearer(stub));
    expect(list.body.events).toHaveLength(1);
  });

  it('when an unknown session is paid, then a 404 page', async () => {
    const res = await request(stub.url).post('/checkout/cs_test_000000000000000000000000/pay').type('form').send({ card_number: '4242424242424242' });
    expect(res.status).toBe(404);
  });

  it('when the form body is huge, then 413 page, not 500', async () => {
    const order = await createOrder(stub);
    const res = await request(stub.url).post(`${sessionPath(order)}/pay`).type('form').send({ card_number: '4'.repeat(10_000) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('POST /checkout/<session_id>/cancel', () => {
  it('when cancelled, then the order expires and the visitor is sent to cancel_url', async () => {
    const order = await createOrder(stub);
    const res = await cancel(stub, order);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`https://shop.example/cart?id=${order.id}`);
    expect((await getOrder(stub, order.id)).status).toBe('expired');
  });

  it('when a cancelled order is paid or its page opened, then 409', async () => {
    const order = await createOrder(stub);
    await cancel(stub, order);
    expect((await pay(stub, order)).status).toBe(409);
    expect((await cancel(stub, order)).status).toBe(409);
    expect((await request(stub.url).get(sessionPath(order))).status).toBe(409);
  });
});
