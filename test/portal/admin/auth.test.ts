import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestPortal, type TestPortal } from '../../support/portal.js';
import { ADMIN } from './support.js';

let portal: TestPortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

describe('admin sign-in', () => {
  it('when no credentials are sent, then 401 with a Basic challenge so the browser asks', async () => {
    portal = createTestPortal();
    const res = await request(portal.app).get('/admin');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="admin"');
  });

  it('when the password or the username is wrong, then 401; when both are right, then the events page', async () => {
    portal = createTestPortal();
    expect((await request(portal.app).get('/admin').auth(ADMIN.user, 'wrong-password')).status).toBe(401);
    expect((await request(portal.app).get('/admin').auth('root', ADMIN.password)).status).toBe(401);
    const ok = await request(portal.app).get('/admin').auth(ADMIN.user, ADMIN.password);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Webhook events');
    expect(ok.headers['cache-control']).toBe('no-store');
  });

  it('when ADMIN_PASSWORD is unset, then /admin is 503 with a page that says how to fix it', async () => {
    portal = createTestPortal({ ADMIN_PASSWORD: '' });
    const res = await request(portal.app).get('/admin/orders').auth(ADMIN.user, '');
    expect(res.status).toBe(503);
    expect(res.text).toContain('ADMIN_PASSWORD');
  });

  it('when an address fails to sign in 5 times, then its next try backs off (429 with Retry-After), even with the right password, from a browser that has not signed in before', async () => {
    portal = createTestPortal();
    // The browser's first request carries no credentials: that is not a failed login.
    for (let i = 0; i < 5; i++) expect((await request(portal.app).get('/admin')).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await request(portal.app).get('/admin').auth(ADMIN.user, `guess-${i}`)).status).toBe(401);
    const blocked = await request(portal.app).get('/admin').auth(ADMIN.user, ADMIN.password);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.text).toContain('Too many failed sign-ins');
  });
});
