import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestStub, type TestStub } from '../support/stub.js';
import { bearer, createOrder, orderBody, postOrder } from './helpers.js';

let stub: TestStub;
beforeEach(async () => {
  stub = await startTestStub();
});
afterEach(() => stub.close());

const listOrders = async () => (await request(stub.url).get('/api/v1/orders').set(bearer(stub))).body.items as unknown[];

describe('Idempotency-Key', () => {
  it('when a POST under /api/v1 has no Idempotency-Key, then 400 missing_idempotency_key', async () => {
    const created = await createOrder(stub);
    const responses = await Promise.all([
      request(stub.url).post('/api/v1/orders').set(bearer(stub)).send(orderBody()),
      request(stub.url).post('/api/v1/orders').set(bearer(stub)).set('Idempotency-Key', '  ').send(orderBody()),
      request(stub.url).post(`/api/v1/orders/${created.id}/renew`).set(bearer(stub)).send({}),
    ]);
    for (const res of responses) {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('missing_idempotency_key');
    }
  });

  it('when POST /dns/records has no Idempotency-Key, then it is accepted', async () => {
    const res = await request(stub.url).post('/api/v1/dns/records').set(bearer(stub)).send({ subdomain: 'www', ip: '203.0.113.10' });
    expect(res.status).toBe(200);
  });

  it('when a request is retried with the same key and body, then the original status and body replay with Idempotent-Replay: true', async () => {
    const key = randomUUID();
    const first = await postOrder(stub, orderBody(), key);
    const replay = await postOrder(stub, orderBody(), key);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replay']).toBeUndefined();
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replay']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await listOrders()).toHaveLength(1);
  });

  it('when the same JSON comes with its keys in another order, then it still replays', async () => {
    const key = randomUUID();
    await postOrder(stub, orderBody(), key);
    const reordered = Object.fromEntries(Object.entries(orderBody()).reverse());
    const replay = await postOrder(stub, reordered, key);
    expect(replay.headers['idempotent-replay']).toBe('true');
  });

  it('when the same key comes with a different body, then 409 idempotency_key_mismatch and nothing is created', async () => {
    const key = randomUUID();
    await postOrder(stub, orderBody(), key);
    const res = await postOrder(stub, orderBody({ tier: 's2' }), key);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('idempotency_key_mismatch');
    expect(await listOrders()).toHaveLength(1);
  });

  it('when the same key is reused on another endpoint, then 409 idempotency_key_mismatch', async () => {
    const key = randomUUID();
    const order = (await postOrder(stub, orderBody(), key)).body;
    const res = await request(stub.url)
      .post(`/api/v1/orders/${order.id}/renew`)
      .set(bearer(stub))
      .set('Idempotency-Key', key)
      .send(orderBody());
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('idempotency_key_mismatch');
  });

  it('when 20 requests with one key arrive at once, then exactly one order exists and all see it', async () => {
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 20 }, () => postOrder(stub, orderBody(), key)));
    expect(responses.map((res) => res.status)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((res) => res.body.id)).size).toBe(1);
    expect(responses.filter((res) => res.headers['idempotent-replay'] === 'true')).toHaveLength(19);
    expect(await listOrders()).toHaveLength(1);
  });

  it('when a request failed validation, then the same key works once the body is fixed (errors are not cached)', async () => {
    const key = randomUUID();
    const bad = await postOrder(stub, orderBody({ duration_months: 2 }), key);
    expect(bad.status).toBe(422);
    const fixed = await postOrder(stub, orderBody(), key);
    expect(fixed.status).toBe(201);
    expect(fixed.headers['idempotent-replay']).toBeUndefined();
  });

  it('when a 401 happened with a key, then the same key works once authenticated', async () => {
    const key = randomUUID();
    const unauth = await request(stub.url).post('/api/v1/orders').set('Idempotency-Key', key).send(orderBody());
    expect(unauth.status).toBe(401);
    expect((await postOrder(stub, orderBody(), key)).status).toBe(201);
  });

  it('when 24 h of stub time have passed, then the key is forgotten and a retry creates a new order', async () => {
    const key = randomUUID();
    const first = await postOrder(stub, orderBody(), key);
    await stub.clock.advance(24 * 3600 + 1);
    const again = await postOrder(stub, orderBody(), key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replay']).toBeUndefined();
    expect(again.body.id).not.toBe(first.body.id);
  });

  it('when the Idempotency-Key is absurd (too long), then 422 validation_error naming the header', async () => {
    const res = await postOrder(stub, orderBody(), 'k'.repeat(300));
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/^Idempotency-Key: /);
  });
});
