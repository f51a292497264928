import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { requestId } from '../../src/lib/request-id.js';
import { ApiError } from '../../src/stub/domain/api-error.js';
import { errorHandler } from '../../src/stub/http/errors.js';

function appThrowing(error: unknown) {
  const app = express();
  app.use(requestId());
  app.get('/api/boom', async () => {
    throw error;
  });
  app.get('/checkout/boom', () => {
    throw error;
  });
  app.use(errorHandler(createLogger('silent'), (_req, res, status, message) => res.status(status).type('html').send(`<p>${message}</p>`)));
  return app;
}

describe('error handler', () => {
  it('when a route throws an unexpected error (even async), then 500 internal_error without message or stack', async () => {
    const error = new Error('SQLITE_CORRUPT at /work/main/src/stub/store/orders.ts:42 secret=hunter2');
    const res = await request(appThrowing(error)).get('/api/boom');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal_error', message: 'Internal error.', request_id: res.headers['x-request-id'] } });
    expect(res.text).not.toMatch(/SQLITE|hunter2|orders\.ts/);
  });

  it('when a checkout page throws unexpectedly, then a 500 page without details', async () => {
    const res = await request(appThrowing(new Error('hunter2'))).get('/checkout/boom');
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('hunter2');
  });

  it('when an ApiError is thrown, then its status, code, extra fields and headers are sent', async () => {
    const error = new ApiError('rate_limited', 'slow down', { headers: { 'Retry-After': '7' }, extra: { deploys_used: 1 } });
    const res = await request(appThrowing(error)).get('/api/boom');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.body).toEqual({ error: { code: 'rate_limited', message: 'slow down', request_id: res.headers['x-request-id'] }, deploys_used: 1 });
  });
});
