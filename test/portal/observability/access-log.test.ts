import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startShop, type Shop } from '../shop/helpers.js';

let shop: Shop | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

describe('access log', () => {
  it('when requests reach any part of the portal, then each gets one line with its request id, method, path without the query, status and ms', async () => {
    shop = await startShop();
    const sent = [
      { method: 'GET', url: '/?utm_source=mail&ref=SECRETREF', path: '/' }, // the shop's fast path
      { method: 'GET', url: '/buy?plan=s1', path: '/buy' },
      { method: 'POST', url: '/webhooks/mintoffice?x=1', path: '/webhooks/mintoffice' }, // the bare receiver
      { method: 'GET', url: '/admin?q=evt', path: '/admin' }, // Express
      { method: 'GET', url: '/no-such-page', path: '/no-such-page' },
    ];
    for (const { method, url, path } of sent) {
      const res = method === 'GET' ? await request(shop.target).get(url) : await request(shop.target).post(url).set('content-type', 'application/json').send('{}');
      const id = res.headers['x-request-id'];
      const lines = shop.logs.filter((l) => l.msg === 'request' && l.request_id === id);
      expect(lines, `${method} ${url}`).toHaveLength(1);
      expect(lines[0]).toMatchObject({ method, path, status: res.status, ms: expect.any(Number) });
    }
    expect(shop.rawLogs()).not.toContain('SECRETREF');
  });

  it('when a proxy sent an X-Request-Id, then the log line and the answer carry that id', async () => {
    shop = await startShop();
    const res = await request(shop.target).get('/admin').set('X-Request-Id', 'proxy-id-12345678');
    expect(res.headers['x-request-id']).toBe('proxy-id-12345678');
    expect(shop.logs.filter((l) => l.msg === 'request' && l.request_id === 'proxy-id-12345678')).toHaveLength(1);
  });
});
