import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody, CHECKOUT_LOCALES } from '../../src/contract/index.js';
import { startTestStub, type TestStub } from '../support/stub.js';
import { bearer, control, createOrder, orderBody, pay, postOrder } from './helpers.js';

let stub: TestStub;
beforeAll(async () => {
  stub = await startTestStub({ deployQuota: 1000 });
});
afterAll(() => stub.close());

describe('a known path with the wrong method', () => {
  it.each([
    ['delete', '/api/v1/orders/1', 'GET, HEAD'],
    ['put', '/api/v1/orders', 'POST, GET, HEAD'],
    ['get', '/api/v1/orders/1/renew', 'POST'],
    ['patch', '/api/v1/dns/records/5', 'DELETE'],
    ['post', '/api/v1/settings', 'GET, HEAD'],
    ['delete', '/_stub/clock', 'GET, HEAD, POST'],
  ] as const)('when %s %s, then 405 in the envelope with Allow: %s', async (method, path, allow) => {
    const res = await request(stub.url)[method](path).set(bearer(stub));
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(ApiErrorBody.parse(res.body).error.code).toBe('method_not_allowed');
    expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
  });

  it('when the path is unknown, then still 404 not_found', async () => {
    const res = await request(stub.url).delete('/api/v1/widgets').set(bearer(stub));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('booleans in query strings', () => {
  it.each([
    ['true', 1],
    ['True', 1],
    ['1', 1],
    ['false', 0],
    ['False', 0],
    ['0', 0],
  ])('when include_paid=%s, then it is read as that boolean', async (value, events) => {
    const fresh = await startTestStub();
    try {
      await pay(fresh, await createOrder(fresh));
      await control(fresh, 'post', '/payouts');
      const res = await request(fresh.url).get(`/api/v1/revenue?include_paid=${value}`).set(bearer(fresh));
      expect(res.status).toBe(200);
      expect(res.body.events).toHaveLength(events);
    } finally {
      await fresh.close();
    }
  });

  it.each(['yes', 'TRUE', '', '2'])('when include_paid=%j, then 422 naming it', async (value) => {
    const res = await request(stub.url).get(`/api/v1/revenue?include_paid=${value}`).set(bearer(stub));
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/^include_paid: /);
  });
});

describe('language', () => {
  it.each(['auto', 'es-419', 'zh-HK', 'pt-BR', 'fil', 'en-GB', 'fr-CA', 'zh-TW'])('when language is the Stripe Checkout locale %j, then the order is created with it', async (language) => {
    const res = await postOrder(stub, orderBody({ language }));
    expect(res.status).toBe(201);
    expect(res.body.language).toBe(language);
  });

  it('when every Stripe Checkout locale is sent, then each is accepted', async () => {
    for (const language of CHECKOUT_LOCALES) expect((await postOrder(stub, orderBody({ language }))).status).toBe(201);
  });

  it.each(['xx', 'en-US-x', 'EN', 'pt_BR', 'klingon', ' en', 'es-420'])('when language is %j, then 422 validation_error naming it', async (language) => {
    const res = await postOrder(stub, orderBody({ language }));
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/^language: /);
  });
});

describe('the fake checkout with the wrong method', () => {
  it('when PUT /checkout/<session>/pay, then 405 as a page with Allow: POST', async () => {
    const order = await createOrder(stub);
    const res = await request(stub.url).put(`${new URL(order.checkout_url!).pathname}/pay`);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });
});
