import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiErrorBody, DnsListResponse, Order, Revenue } from '../../src/contract/index.js';
import { startTestStub, type TestStub } from '../support/stub.js';
import { bearer, createOrder, orderBody, pay, postOrder, sessionPath } from './helpers.js';

/**
 * A partner's client is hostile input by accident: odd encodings, repeated query parameters,
 * concurrent retries. The stub must answer each like the API would — never 500, nothing written.
 */

let stub: TestStub;
beforeEach(async () => {
  stub = await startTestStub();
});
afterEach(() => stub.close());

function expectError(res: request.Response, status: number, code: string): string {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = ApiErrorBody.parse(res.body);
  expect(body.error.code).toBe(code);
  expect(body.error.request_id).toBe(res.headers['x-request-id']);
  return body.error.message;
}

const listOrders = async () => Order.array().parse((await request(stub.url).get('/api/v1/orders').set(bearer(stub))).body.items);
const rawOrder = (json: string) =>
  request(stub.url).post('/api/v1/orders').set(bearer(stub)).set('Idempotency-Key', randomUUID()).set('Content-Type', 'application/json').send(json);

describe('bodies', () => {
  it('when a string holds a lone UTF-16 surrogate, then 422 names the field and no order is written (it could not be echoed back as sent)', async () => {
    const fields = JSON.stringify(orderBody()).slice(1, -1);
    const res = await rawOrder(`{${fields},"external_id":"ref-\\ud800"}`);
    expect(expectError(res, 422, 'validation_error')).toBe('external_id: must be valid Unicode (it holds a lone surrogate)');
    expect(await listOrders()).toEqual([]);
  });

  it('when a string holds a proper surrogate pair (emoji), then it round-trips unchanged', async () => {
    const res = await postOrder(stub, orderBody({ external_id: 'ref-😀-\u{1F680}' }));
    expect(res.status).toBe(201);
    expect(res.body.external_id).toBe('ref-😀-\u{1F680}');
  });

  it.each(['null', '"s1"', '42', 'true'])('when the JSON body is %s, then 422 "body: must be a JSON object" (it is valid JSON, just not an object)', async (raw) => {
    expect(expectError(await rawOrder(raw), 422, 'validation_error')).toBe('body: must be a JSON object');
    expect(await listOrders()).toEqual([]);
  });

  it('when __proto__ and constructor keys are sent, then they are ignored and nothing is polluted', async () => {
    const fields = JSON.stringify(orderBody()).slice(1, -1);
    const res = await rawOrder(`{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},${fields}}`);
    expect(res.status).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('paths and query strings', () => {
  it.each(['/api/v1/orders/%E0%A4%A', '/api/v1/orders/%zz/renew', '/_stub/%E0%A4%A'])(
    'when a path segment is not valid percent-encoding (%s), then 404 not_found in the envelope, not a complaint about the body',
    async (path) => {
      const req = path.endsWith('/renew')
        ? request(stub.url).post(path).set(bearer(stub)).set('Idempotency-Key', randomUUID()).send({})
        : request(stub.url).get(path).set(bearer(stub));
      expect(expectError(await req, 404, 'not_found')).not.toMatch(/body/);
    },
  );

  it('when a checkout path is not valid percent-encoding, then a 404 page with the checkout headers', async () => {
    const res = await request(stub.url).get('/checkout/%E0%A4%A');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it.each([
    ['/api/v1/orders?cursor=5&cursor=6', 'cursor: must be given once'],
    ['/api/v1/orders?status=completed&status=completed', 'status: must be given once'],
    ['/api/v1/revenue?include_paid=true&include_paid=false', 'include_paid: must be given once'],
    ['/api/v1/dns/records?name=www&name=api', 'name: must be given once'],
  ])('when a query parameter is repeated (%s), then 422 says so by name', async (path, message) => {
    expect(expectError(await request(stub.url).get(path).set(bearer(stub)), 422, 'validation_error')).toBe(message);
  });
});

describe('DNS names', () => {
  // Four labels of 63, 63, 63 and 61 characters: a valid 253-character subdomain on its own.
  const longSubdomain = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');

  it('when subdomain + apex would exceed 253 characters, then 422 validation_error and no record is written', async () => {
    const res = await request(stub.url).post('/api/v1/dns/records').set(bearer(stub)).send({ subdomain: longSubdomain, ip: '203.0.113.10' });
    expect(expectError(res, 422, 'validation_error')).toMatch(/^subdomain: .*at most 253/);
    const listed = DnsListResponse.parse((await request(stub.url).get('/api/v1/dns/records').set(bearer(stub))).body);
    expect(listed.items).toEqual([]);
  });

  it('when subdomain + apex are exactly 253 characters, then the record is written', async () => {
    // 63 + 63 + 63 + 49 characters and three dots: 241, plus ".example.com": 253.
    const fitting = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(49)].join('.');
    const res = await request(stub.url).post('/api/v1/dns/records').set(bearer(stub)).send({ subdomain: fitting, ip: '203.0.113.10' });
    expect(res.status).toBe(200);
    expect(res.body.fqdn).toHaveLength(253);
  });
});

describe('races', () => {
  it('when pay and cancel race on one checkout, then exactly one wins and at most one revenue event exists', async () => {
    const order = await createOrder(stub);
    const path = sessionPath(order);
    const results = await Promise.all([
      request(stub.url).post(`${path}/pay`).type('form').send({ card_number: '4242424242424242' }),
      request(stub.url).post(`${path}/cancel`).type('form').send({}),
      request(stub.url).post(`${path}/pay`).type('form').send({ card_number: '4242424242424242' }),
      request(stub.url).post(`${path}/cancel`).type('form').send({}),
    ]);
    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([303, 409, 409, 409]);
    const revenue = Revenue.parse((await request(stub.url).get('/api/v1/revenue').set(bearer(stub))).body);
    expect(revenue.events.filter((event) => event.order_id === order.id).length).toBeLessThanOrEqual(1);
  });

  it('when one Idempotency-Key races across create and renew, then one request wins, its twins replay, the other endpoint gets 409', async () => {
    const original = await createOrder(stub);
    expect((await pay(stub, original)).status).toBe(303);
    await stub.idle();
    const key = randomUUID();
    const renewBody = { duration_months: 1, success_url: 'https://shop.example/t', cancel_url: 'https://shop.example/c' };
    const send = (kind: 'create' | 'renew') =>
      kind === 'create'
        ? postOrder(stub, orderBody(), key)
        : request(stub.url).post(`/api/v1/orders/${original.id}/renew`).set(bearer(stub)).set('Idempotency-Key', key).send(renewBody);
    const kinds = ['create', 'renew', 'create', 'renew', 'create', 'renew'] as const;
    const results = await Promise.all(kinds.map(send));
    const won = results.filter((res) => res.status === 201);
    const lost = results.filter((res) => res.status === 409);
    expect(won.length + lost.length).toBe(results.length);
    expect(won.length).toBe(3);
    expect(new Set(won.map((res) => res.body.id)).size).toBe(1);
    expect(won.filter((res) => res.headers['idempotent-replay'] === 'true').length).toBe(2);
    for (const res of lost) expect(res.body.error.code).toBe('idempotency_key_mismatch');
    expect((await listOrders()).length).toBe(2);
  });
});
