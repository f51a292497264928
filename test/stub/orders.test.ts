import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { Order, OrderList, parseApiTime } from '../../src/contract/index.js';
import type { StubConfigInput } from '../../src/stub/index.js';
import { startTestStub, type TestStub } from '../support/stub.js';
import { bearer, cancel, createOrder, getOrder, orderBody, pay, postOrder } from './helpers.js';

let stub: TestStub;
async function start(overrides: StubConfigInput = {}) {
  stub = await startTestStub(overrides);
  return stub;
}
afterEach(() => stub?.close());

const renew = (id: number, body: object = { duration_months: 3, success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/no' }) =>
  request(stub.url).post(`/api/v1/orders/${id}/renew`).set(bearer(stub)).set('Idempotency-Key', randomUUID()).send(body);

async function deployedOrder(overrides: Record<string, unknown> = {}) {
  const order = await createOrder(stub, overrides);
  expect((await pay(stub, order)).status).toBe(303);
  await stub.idle();
  return getOrder(stub, order.id);
}

describe('POST /orders', () => {
  it('when a valid order is posted, then 201 with the contract Order shape, awaiting payment', async () => {
    await start();
    const res = await postOrder(stub, orderBody({ language: 'en', external_id: 'ref-1' }));
    expect(res.status).toBe(201);
    const order = Order.strict().parse(res.body);
    expect(order).toMatchObject({
      tier: 's1',
      duration_months: 1,
      credit_usd: 10,
      amount_cents: 1200,
      currency: 'usd',
      status: 'awaiting_payment',
      panel_url: null,
      expires_at: null,
      language: 'en',
      external_id: 'ref-1',
      paid_at: null,
    });
    expect(order.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(Math.abs(parseApiTime(order.created_at) - stub.clock.now())).toBeLessThan(2000);
    expect(order.checkout_url).toMatch(new RegExp(`^${stub.url}/checkout/cs_test_[A-Za-z0-9_-]{24}$`));
  });

  it.each([
    ['trial', 12, 0],
    ['s1', 3, 3600],
    ['s2', 1, 2400],
    ['s4', 12, 57600],
  ])('when tier %s is bought for %i months, then amount_cents is price × months (%i)', async (tier, months, amount) => {
    await start();
    expect((await createOrder(stub, { tier, duration_months: months })).amount_cents).toBe(amount);
  });

  it('when optional fields are sent as null (a client serialising None), then they count as not set', async () => {
    await start();
    const res = await postOrder(stub, orderBody({ credit_usd: null, language: null, external_id: null, webhook_url: null }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ credit_usd: 0, external_id: null, amount_cents: 1200 });
  });

  it('when credit_usd is omitted or 0, then the order carries no credit', async () => {
    await start();
    expect((await createOrder(stub, { credit_usd: undefined })).credit_usd).toBe(0);
    expect((await createOrder(stub, { credit_usd: 0 })).credit_usd).toBe(0);
  });

  it('when STUB_CREDIT_OPTIONS is customised, then only those bundles are accepted', async () => {
    await start({ creditOptions: [5, 25] });
    expect((await createOrder(stub, { credit_usd: 25 })).credit_usd).toBe(25);
    const res = await postOrder(stub, orderBody({ credit_usd: 10 }));
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe('credit_usd: must be 0 or one of 5, 25');
  });

  it('when return URLs are plain http on a loopback host, then they are accepted', async () => {
    await start();
    const order = await createOrder(stub, { success_url: 'http://localhost:8000/ok', cancel_url: 'http://127.0.0.1:8000/no', webhook_url: 'http://[::1]:9/hook' });
    expect(order.status).toBe('awaiting_payment');
  });

  it('when two checkout sessions are minted, then their ids differ', async () => {
    await start();
    const [a, b] = [await createOrder(stub), await createOrder(stub)];
    expect(a.checkout_url).not.toBe(b.checkout_url);
  });

  it('when the payment gateway fault is armed, then the next N creations fail 502 payment_gateway_error and write nothing', async () => {
    await start();
    await request(stub.url).post('/_stub/faults').set(bearer(stub)).send({ payment_gateway_error: 2 }).expect(200);
    for (let i = 0; i < 2; i++) {
      const res = await postOrder(stub, orderBody());
      expect(res.status).toBe(502);
      expect(res.body.error.code).toBe('payment_gateway_error');
      expect(res.body.error.message).toMatch(/upstream 502/);
    }
    expect((await postOrder(stub, orderBody())).status).toBe(201);
    const list = await request(stub.url).get('/api/v1/orders').set(bearer(stub));
    expect(list.body.items).toHaveLength(1);
  });
});

describe('GET /orders and GET /orders/{id}', () => {
  it('when an order exists, then GET /orders/{id} returns the same shape as POST', async () => {
    await start();
    const created = await createOrder(stub);
    expect(await getOrder(stub, created.id)).toEqual(created);
  });

  it('when there are more than 20 orders, then pages of 20 come newest first and next_cursor walks to the end', async () => {
    await start({ deployQuota: 100 });
    const ids: number[] = [];
    for (let i = 0; i < 45; i++) ids.push((await createOrder(stub)).id);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await request(stub.url).get('/api/v1/orders').query(cursor ? { cursor } : {}).set(bearer(stub));
      const page = OrderList.parse(res.body);
      expect(page.items.length).toBeLessThanOrEqual(20);
      seen.push(...page.items.map((order) => order.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('when exactly 20 orders exist, then the first page ends the list (next_cursor null)', async () => {
    await start({ deployQuota: 100 });
    for (let i = 0; i < 20; i++) await createOrder(stub);
    const res = await request(stub.url).get('/api/v1/orders').set(bearer(stub));
    expect(res.body.items).toHaveLength(20);
    expect(res.body.next_cursor).toBeNull();
  });

  it('when filtering by status, then only matching orders are listed', async () => {
    await start();
    const paid = await createOrder(stub);
    const open = await createOrder(stub);
    await pay(stub, paid);
    await stub.idle();
    const deployed = await request(stub.url).get('/api/v1/orders?status=deployed').set(bearer(stub));
    expect(deployed.body.items.map((o: Order) => o.id)).toEqual([paid.id]);
    const awaiting = await request(stub.url).get('/api/v1/orders?status=awaiting_payment').set(bearer(stub));
    expect(awaiting.body.items.map((o: Order) => o.id)).toEqual([open.id]);
  });

  it.each([
    ['status=paid', /^status: must be one of awaiting_payment/],
    ['cursor=abc', /^cursor: must be a next_cursor value/],
    ['cursor=-1', /^cursor: /],
  ])('when the query is %s, then 422 validation_error naming it', async (query, message) => {
    await start();
    const res = await request(stub.url).get(`/api/v1/orders?${query}`).set(bearer(stub));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.message).toMatch(message);
  });
});

describe('deploy quota', () => {
  it('when every slot is used, then 422 quota_exceeded carries deploys_used and deploy_quota at the top level', async () => {
    await start({ deployQuota: 2 });
    await createOrder(stub);
    await createOrder(stub);
    const res = await postOrder(stub, orderBody());
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: { code: 'quota_exceeded' }, deploys_used: 2, deploy_quota: 2 });
  });

  it('when an unpaid order is cancelled, then its slot is free again', async () => {
    await start({ deployQuota: 1 });
    const first = await createOrder(stub);
    expect((await postOrder(stub, orderBody())).status).toBe(422);
    await cancel(stub, first);
    expect((await postOrder(stub, orderBody())).status).toBe(201);
  });

  it('when an unpaid order expires after 24 h, then its slot is free again', async () => {
    await start({ deployQuota: 1 });
    await createOrder(stub);
    await stub.clock.advance(24 * 3600);
    expect((await postOrder(stub, orderBody())).status).toBe(201);
  });

  it('when a paid order holds an agent, then it keeps its slot; a failed deploy frees it', async () => {
    await start({ deployQuota: 2 });
    await deployedOrder();
    const failing = await createOrder(stub);
    await pay(stub, failing, '4000000000000341');
    await stub.idle();
    expect((await getOrder(stub, failing.id)).status).toBe('deploy_failed');
    expect((await postOrder(stub, orderBody())).status).toBe(201);
    const full = await postOrder(stub, orderBody());
    expect(full.body).toMatchObject({ error: { code: 'quota_exceeded' }, deploys_used: 2 });
  });

  it('when every slot is used, then reviving an expired agent by renewal is 422 quota_exceeded', async () => {
    await start({ deployQuota: 1 });
    const trial = await deployedOrder({ tier: 'trial' });
    await stub.clock.advance(24 * 3600);
    expect((await getOrder(stub, trial.id)).status).toBe('expired');
    await createOrder(stub);
    const res = await renew(trial.id);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: { code: 'quota_exceeded' }, deploys_used: 1, deploy_quota: 1 });
  });

  it('when every slot is used, then renewing a live agent is still allowed', async () => {
    await start({ deployQuota: 1 });
    const order = await deployedOrder();
    expect((await renew(order.id)).status).toBe(201);
  });
});

describe('POST /orders/{id}/renew', () => {
  it('when the order has no agent yet, then 422 validation_error', async () => {
    await start();
    const order = await createOrder(stub);
    const res = await renew(order.id);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.message).toMatch(/no agent to renew/);
  });

  it('when the order does not exist, then 404 not_found', async () => {
    await start();
    expect((await renew(4242)).body.error.code).toBe('not_found');
  });

  it('when the renew body is invalid, then 422 naming the field', async () => {
    await start();
    const order = await deployedOrder();
    const res = await renew(order.id, { duration_months: 6, success_url: 'https://a.example', cancel_url: 'https://a.example' });
    expect(res.body.error.message).toBe('duration_months: must be one of 1, 3, 12');
  });

  it('when a deployed agent is renewed and the renewal is paid, then the original agent expires months after its old expiry', async () => {
    await start();
    const original = await deployedOrder({ tier: 's2', credit_usd: 20 });
    const res = await renew(original.id, { duration_months: 3, external_id: 'renew-1', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/no' });
    expect(res.status).toBe(201);
    const renewal = Order.parse(res.body);
    expect(renewal).toMatchObject({ tier: 's2', duration_months: 3, credit_usd: 0, amount_cents: 7200, status: 'awaiting_payment', external_id: 'renew-1' });
    expect(renewal.id).not.toBe(original.id);

    expect((await pay(stub, renewal)).status).toBe(303);
    await stub.idle();
    const extended = await getOrder(stub, original.id);
    const oldExpiry = new Date(parseApiTime(original.expires_at!));
    const expected = new Date(oldExpiry);
    expected.setUTCMonth(expected.getUTCMonth() + 3);
    if (expected.getUTCDate() !== oldExpiry.getUTCDate()) expected.setUTCDate(0);
    expect(extended.status).toBe('deployed');
    expect(extended.expires_at).toBe(expected.toISOString().slice(0, 19).replace('T', ' '));
    expect((await getOrder(stub, renewal.id)).status).toBe('completed');
  });

  it('when an expired agent is renewed and paid, then it is deployed again from now', async () => {
    await start();
    const original = await deployedOrder({ tier: 'trial' });
    await stub.clock.advance(25 * 3600);
    expect((await getOrder(stub, original.id)).status).toBe('expired');
    const renewal = Order.parse((await renew(original.id, { duration_months: 1, success_url: 'https://a.example', cancel_url: 'https://a.example' })).body);
    await pay(stub, renewal);
    await stub.idle();
    const revived = await getOrder(stub, original.id);
    expect(revived.status).toBe('deployed');
    expect(revived.panel_url).toBe(original.panel_url);
    expect(parseApiTime(revived.expires_at!) - stub.clock.now()).toBeGreaterThan(23 * 3600 * 1000);
  });
});

describe('partner status', () => {
  it('when the partner is onboarding, then writes answer 403 partner_not_live and reads work', async () => {
    await start({ partnerStatus: 'onboarding' });
    const writes = await Promise.all([
      postOrder(stub, orderBody()),
      renew(1),
      request(stub.url).post('/api/v1/dns/records').set(bearer(stub)).send({ subdomain: 'www', ip: '203.0.113.10' }),
      request(stub.url).delete('/api/v1/dns/records/1').set(bearer(stub)),
    ]);
    for (const res of writes) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('partner_not_live');
    }
    expect((await request(stub.url).get('/api/v1/orders').set(bearer(stub))).status).toBe(200);
    expect((await request(stub.url).get('/api/v1/settings').set(bearer(stub))).status).toBe(200);
  });
});
