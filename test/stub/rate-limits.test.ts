import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestStub, type TestStub } from '../support/stub.js';
import { bearer, createOrder, sessionPath } from './helpers.js';

let stub: TestStub;
afterEach(() => stub.close());

const get = (path: string, headers: Record<string, string> = {}) => request(stub.url).get(path).set(headers);

describe('rate limits', () => {
  it('when the partner exceeds STUB_RATE_LIMIT in 60 s, then 429 rate_limited with Retry-After, until the window rolls on', async () => {
    stub = await startTestStub({ rateLimit: 3 });
    for (let i = 0; i < 3; i++) expect((await get('/api/v1/partner', bearer(stub))).status).toBe(200);
    const limited = await get('/api/v1/partner', bearer(stub));
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.body.error.request_id).toBe(limited.headers['x-request-id']);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await stub.clock.advance(60);
    expect((await get('/api/v1/partner', bearer(stub))).status).toBe(200);
  });

  it('when unauthenticated or failed-auth requests exceed STUB_IP_RATE_LIMIT, then 429, while the partner bucket is untouched', async () => {
    stub = await startTestStub({ ipRateLimit: 2, rateLimit: 2 });
    expect((await get('/api/v1/orders')).status).toBe(401);
    expect((await get('/api/v1/orders', { Authorization: 'Bearer mo_test_wrongwrongwrongwrong' })).status).toBe(401);
    const limited = await get('/api/v1/orders', { Authorization: 'Bearer mo_test_wrongwrongwrongwrong' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    // The partner's own requests still have their whole bucket.
    expect((await get('/api/v1/orders', bearer(stub))).status).toBe(200);
    expect((await get('/api/v1/orders', bearer(stub))).status).toBe(200);
  });

  it('when /_stub/* controls and /checkout pages are used, then they do not count against the partner bucket', async () => {
    stub = await startTestStub({ rateLimit: 2 });
    const order = await createOrder(stub);
    for (let i = 0; i < 5; i++) {
      expect((await get('/_stub/deliveries', bearer(stub))).status).toBe(200);
      expect((await get(sessionPath(order))).status).toBe(200);
    }
    expect((await get('/api/v1/orders', bearer(stub))).status).toBe(200);
    expect((await get('/api/v1/orders', bearer(stub))).status).toBe(429);
  });
});
