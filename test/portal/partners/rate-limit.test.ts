import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { requestId } from '../../../src/lib/request-id.js';
import { partnersRouter } from '../../../src/portal/partners/routes.js';
import { createTestPortal, type TestPortal } from '../../support/portal.js';
import { inquiryRows, manualClock, VALID } from './helpers.js';

let portal: TestPortal;
afterEach(async () => {
  await portal?.close();
  portal = undefined as unknown as TestPortal; // a test that builds its own portal must not re-close the last one
});

const post = (app: express.Express, forwardedFor?: string) => {
  const req = request(app).post('/api/partner').send(VALID);
  return forwardedFor ? req.set('X-Forwarded-For', forwardedFor) : req;
};

describe('inquiry rate limit per client IP', () => {
  it('when a client sends more valid inquiries than INQUIRY_RATE_LIMIT, then the extra ones get 429 and are not stored', async () => {
    portal = await createTestPortal({ INQUIRY_RATE_LIMIT: '2', INQUIRY_RATE_WINDOW_SECONDS: '60' });
    expect((await post(portal.app)).status).toBe(200);
    expect((await post(portal.app)).status).toBe(200);
    const res = await post(portal.app);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('60');
    expect(res.body).toEqual({ success: false, error: 'Rate limit exceeded - please try again in 60 seconds' });
    expect((await inquiryRows(portal))).toHaveLength(2);
  });

  it('when a person sends invalid inquiries, then they do not use up the limit; once over it, even invalid ones get 429', async () => {
    portal = await createTestPortal({ INQUIRY_RATE_LIMIT: '1' });
    for (let i = 0; i < 3; i++) {
      expect((await request(portal.app).post('/api/partner').send({ ...VALID, email: 'typo' })).status).toBe(400);
    }
    expect((await post(portal.app)).status).toBe(200);
    expect((await request(portal.app).post('/api/partner').send({ ...VALID, email: 'typo' })).status).toBe(429);
  });

  it('when the page form and the API are both used, then they share one budget', async () => {
    portal = await createTestPortal({ INQUIRY_RATE_LIMIT: '1' });
    expect((await request(portal.app).post('/partners').type('form').send(VALID)).status).toBe(303);
    expect((await post(portal.app)).status).toBe(429);
  });

  it('when the window has passed, then the client may send again (clock injected, no sleeping)', async () => {
    portal = await createTestPortal({ INQUIRY_RATE_LIMIT: '2', INQUIRY_RATE_WINDOW_SECONDS: '60' });
    const clock = manualClock(1_700_000_000_000);
    const app = express();
    app.use(requestId());
    app.use(partnersRouter(portal.deps, { now: clock.now }));

    expect((await post(app)).status).toBe(200);
    clock.advance(10_000);
    expect((await post(app)).status).toBe(200);
    const blocked = await post(app);
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBe('50');

    clock.advance(50_000); // the first hit leaves the window; the second is still in it
    expect((await post(app)).status).toBe(200);
    expect((await post(app)).status).toBe(429);

    clock.advance(60_000);
    expect((await post(app)).status).toBe(200);
    expect((await inquiryRows(portal)).map((r) => r.created_at)).toEqual([
      1_700_000_000_000, 1_700_000_010_000, 1_700_000_060_000, 1_700_000_120_000,
    ]);
  });
});

describe('client IP and X-Forwarded-For', () => {
  it('when TRUST_PROXY is not set, then X-Forwarded-For is ignored: a client cannot dodge the limit or fake its IP', async () => {
    portal = await createTestPortal({ INQUIRY_RATE_LIMIT: '1' });
    expect((await post(portal.app, '203.0.113.1')).status).toBe(200);
    expect((await post(portal.app, '203.0.113.2')).status).toBe(429);
    expect((await inquiryRows(portal)).map((r) => r.client_ip)).toEqual(['127.0.0.1']);
  });

  for (const trust of ['1', 'loopback']) {
    it(`when TRUST_PROXY=${trust} (a reverse proxy on this host), then each forwarded client has its own limit and its IP is stored`, async () => {
      portal = await createTestPortal({ INQUIRY_RATE_LIMIT: '1', TRUST_PROXY: trust });
      expect((await post(portal.app, '203.0.113.1')).status).toBe(200);
      expect((await post(portal.app, '198.51.100.7')).status).toBe(200);
      expect((await post(portal.app, '203.0.113.1')).status).toBe(429);
      expect((await inquiryRows(portal)).map((r) => r.client_ip)).toEqual(['203.0.113.1', '198.51.100.7']);
    });
  }

  it('when TRUST_PROXY=1 and a client prepends its own X-Forwarded-For entry, then the proxy-added address still counts', async () => {
    portal = await createTestPortal({ INQUIRY_RATE_LIMIT: '1', TRUST_PROXY: '1' });
    // The proxy appends the real peer; the client-forged entry is further left and not trusted.
    expect((await post(portal.app, '10.0.0.1, 203.0.113.1')).status).toBe(200);
    expect((await post(portal.app, '10.0.0.2, 203.0.113.1')).status).toBe(429);
    expect((await inquiryRows(portal)).map((r) => r.client_ip)).toEqual(['203.0.113.1']);
  });
});
