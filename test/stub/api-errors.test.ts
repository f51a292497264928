import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../../src/contract/index.js';
import { startTestStub, type TestStub } from '../support/stub.js';
import { bearer, orderBody, postOrder } from './helpers.js';

let stub: TestStub;
beforeAll(async () => {
  stub = await startTestStub();
});
afterAll(() => stub.close());

/** Every error: the spec's envelope, request_id equal to the X-Request-Id header. */
function expectError(res: request.Response, status: number, code: string): string {
  expect(res.status).toBe(status);
  expect(ApiErrorBody.parse(res.body).error.code).toBe(code);
  expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  return res.body.error.message as string;
}

describe('authentication', () => {
  it('when the Authorization header is missing, then 401 unauthenticated', async () => {
    expectError(await request(stub.url).get('/api/v1/orders'), 401, 'unauthenticated');
  });

  it.each(['Basic abc', 'Bearer', 'Bearer two words', 'mo_test_abc'])('when the header is malformed (%j), then 401 unauthenticated', async (header) => {
    expectError(await request(stub.url).get('/api/v1/orders').set('Authorization', header), 401, 'unauthenticated');
  });

  it('when the key is unknown, then 401 invalid_api_key', async () => {
    const res = await request(stub.url).get('/api/v1/orders').set('Authorization', 'Bearer mo_test_ffffffffffffffffffffffffffffffff');
    expect(expectError(res, 401, 'invalid_api_key')).toBe('API key is unknown or revoked.');
  });

  it('when the key is valid, then "bearer" is accepted in any case', async () => {
    const res = await request(stub.url).get('/api/v1/orders').set('Authorization', `bearer ${stub.apiKey()}`);
    expect(res.status).toBe(200);
  });

  it('when /_stub/* is called without the key, then 401 like the API', async () => {
    expectError(await request(stub.url).get('/_stub/deliveries'), 401, 'unauthenticated');
  });
});

describe('request ids and the error envelope', () => {
  it('when any response is sent (success, error, page), then it carries X-Request-Id', async () => {
    const responses = await Promise.all([
      request(stub.url).get('/api/v1/orders').set(bearer(stub)),
      request(stub.url).get('/api/v1/nope').set(bearer(stub)),
      request(stub.url).get('/checkout/cs_test_unknown'),
      request(stub.url).get('/'),
    ]);
    for (const res of responses) expect(res.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
    expect(new Set(responses.map((res) => res.headers['x-request-id'])).size).toBe(responses.length);
  });

  it('when the caller sends a well-formed X-Request-Id, then it is echoed in the header and the error', async () => {
    const res = await request(stub.url).get('/api/v1/orders/999').set(bearer(stub)).set('X-Request-Id', 'trace-1234-abcd');
    expectError(res, 404, 'not_found');
    expect(res.body.error.request_id).toBe('trace-1234-abcd');
  });

  it('when a route is unknown, then 404 not_found in the envelope', async () => {
    expectError(await request(stub.url).get('/api/v1/widgets').set(bearer(stub)), 404, 'not_found');
    expectError(await request(stub.url).delete('/api/v1/widgets/1').set(bearer(stub)), 404, 'not_found');
    expectError(await request(stub.url).get('/nowhere'), 404, 'not_found');
  });

  it.each(['999999', 'abc', '0', '1e3', '-1', '99999999999999999999'])('when order %j does not exist, then 404 not_found', async (id) => {
    expectError(await request(stub.url).get(`/api/v1/orders/${id}`).set(bearer(stub)), 404, 'not_found');
  });
});

describe('hostile bodies', () => {
  const post = (key = crypto.randomUUID()) =>
    request(stub.url).post('/api/v1/orders').set(bearer(stub)).set('Idempotency-Key', key);

  it('when the body is not JSON, then 422 validation_error (never 500)', async () => {
    const res = await post().set('Content-Type', 'application/json').send('{"tier": "s1",');
    expect(expectError(res, 422, 'validation_error')).toBe('body: is not valid JSON');
  });

  it('when the content type is not JSON, then 422 validation_error naming the body', async () => {
    const res = await post().set('Content-Type', 'text/plain').send(JSON.stringify(orderBody()));
    expect(expectError(res, 422, 'validation_error')).toMatch(/^body: .*application\/json/);
  });

  it('when there is no body at all, then 422 validation_error', async () => {
    expectError(await post(), 422, 'validation_error');
  });

  it.each([['[1,2]'], ['"s1"'], ['null'], ['42']])('when the JSON body is %s instead of an object, then 422', async (raw) => {
    expectError(await post().set('Content-Type', 'application/json').send(raw), 422, 'validation_error');
  });

  it('when the body is huge, then 413 with the envelope, not 500', async () => {
    const res = await post().set('Content-Type', 'application/json').send(JSON.stringify({ ...orderBody(), external_id: 'x'.repeat(200_000) }));
    expect(expectError(res, 413, 'validation_error')).toMatch(/^body: must be at most/);
  });

  it('when the charset is unsupported, then 422', async () => {
    const res = await post().set('Content-Type', 'application/json; charset=klingon').send('{}');
    expectError(res, 422, 'validation_error');
  });

  it.each([
    [{ tier: 's3' }, 'tier: must be one of trial, s1, s2, s4'],
    [{ duration_months: 2 }, 'duration_months: must be one of 1, 3, 12'],
    [{ duration_months: '1' }, 'duration_months: must be one of 1, 3, 12'],
    [{ credit_usd: 15 }, 'credit_usd: must be 0 or one of 10, 20, 50'],
    [{ credit_usd: 10.5 }, 'credit_usd: must be a whole number'],
    [{ credit_usd: 'ten' }, 'credit_usd: must be a number'],
    [{ success_url: 'http://shop.example/thanks' }, 'success_url: must be an https URL (http is allowed for loopback hosts only)'],
    [{ cancel_url: 'javascript:alert(1)' }, 'cancel_url: must be an https URL (http is allowed for loopback hosts only)'],
    [{ webhook_url: 'ftp://x' }, 'webhook_url: must be an https URL (http is allowed for loopback hosts only)'],
    [{ language: '日本語' }, 'language: must be a language code such as "en" or "pt-BR"'],
    [{ tier: undefined }, 'tier: must be one of trial, s1, s2, s4'],
    [{ duration_months: undefined }, 'duration_months: must be one of 1, 3, 12'],
    [{ success_url: undefined }, 'success_url: is required'],
  ])('when the order body has %j, then 422 names the field', async (patch, message) => {
    const res = await postOrder(stub, orderBody(patch));
    expect(expectError(res, 422, 'validation_error')).toBe(message);
  });

  it('when fields carry unicode, then they round-trip unchanged', async () => {
    const externalId = 'ünïcødé-🚀-注文-\u202e';
    const res = await postOrder(stub, orderBody({ external_id: externalId, success_url: 'http://127.0.0.1:8000/thanks?ref=é' }));
    expect(res.status).toBe(201);
    expect(res.body.external_id).toBe(externalId);
  });

  it('when an unexpected error happens, then nothing 500-ish leaks: the stub still answers', async () => {
    const res = await request(stub.url).get('/api/v1/orders').set(bearer(stub)).query({ status: ['completed', 'deployed'] });
    expectError(res, 422, 'validation_error');
  });
});
