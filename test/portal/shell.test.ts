import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestPortal, startTestPortal, type TestPortal } from '../support/portal.js';

let portal: TestPortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

describe('portal shell', () => {
  it('when a page does not exist, then a browser gets the branded 404 page and an API client gets JSON', async () => {
    portal = createTestPortal({ PARTNER_BRAND: 'Agent<99>' });
    const page = await request(portal.app).get('/nope').set('Accept', 'text/html');
    expect(page.status).toBe(404);
    expect(page.text).toContain('Agent&lt;99&gt;');
    expect(page.text).toContain('TEST MODE');
    expect(page.text).not.toContain('Agent<99>');
    const json = await request(portal.app).get('/nope').set('Accept', 'application/json');
    expect(json.status).toBe(404);
    expect(json.body).toEqual({ error: expect.any(String) });
  });

  it('when a route fails inside (the database is gone), then a browser gets the branded 500 page and an API client JSON, neither with internals', async () => {
    portal = createTestPortal({ PARTNER_BRAND: 'Agent99' });
    portal.deps.db.close();
    const ref = 'A'.repeat(22);
    const page = await request(portal.app).get(`/thank-you?ref=${ref}`).set('Accept', 'text/html');
    expect(page.status).toBe(500);
    expect(page.text).toContain('Agent99');
    expect(page.text).toContain('Something went wrong');
    expect(page.text).toMatch(/Reference: <code>[0-9a-f-]{36}<\/code>/);
    expect(page.text).not.toMatch(/\bat \S+ \(|sqlite|TypeError|Error:/i);
    const json = await request(portal.app).get(`/thank-you/status?ref=${ref}`).set('Accept', 'application/json');
    expect(json.status).toBe(500);
    expect(json.body).toEqual({ error: expect.stringMatching(/^Something went wrong/) });
  });

  it('when the API is the live one, then there is no TEST MODE strip', async () => {
    portal = createTestPortal({ MINTOFFICE_API_URL: 'https://mint.mintbot.ai' });
    const page = await request(portal.app).get('/nope').set('Accept', 'text/html');
    expect(page.text).not.toContain('TEST MODE');
  });

  it('when the database and key are fine, then /healthz is ok and says nothing else', async () => {
    portal = createTestPortal();
    const res = await request(portal.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('when no API key is configured, then /healthz is unhealthy', async () => {
    portal = createTestPortal({ MINTOFFICE_API_KEY: '' });
    const res = await request(portal.app).get('/healthz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unhealthy' });
  });

  it('when security headers are on, then CSP allows the checkout origins as form targets and forbids framing', async () => {
    portal = createTestPortal({ CHECKOUT_ORIGINS: 'https://checkout.stripe.com,http://127.0.0.1:8001' });
    const res = await request(portal.app).get('/healthz');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("form-action 'self' https://checkout.stripe.com http://127.0.0.1:8001");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('when SECURITY_HEADERS=false, then the proxy in front is trusted to add them', async () => {
    portal = createTestPortal({ SECURITY_HEADERS: 'false' });
    const res = await request(portal.app).get('/healthz');
    expect(res.headers['content-security-policy']).toBeUndefined();
  });

  it('when the portal listens, then a slow client is cut off after 30 s, not Node\'s default 5 minutes', async () => {
    const running = await startTestPortal();
    try {
      expect(running.server.requestTimeout).toBe(30_000);
      expect(running.server.headersTimeout).toBe(15_000);
      // Checked every second (Node's default is every 30 s); not in @types/node.
      expect((running.server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval).toBe(1_000);
    } finally {
      await running.close();
    }
  });
});
