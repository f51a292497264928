import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestPortal, type TestPortal } from '../../support/portal.js';
import { ADMIN } from '../admin/support.js';

let portal: TestPortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

const signIn = (p: TestPortal, password: string, ip?: string, cookie?: string) => {
  const req = request(p.app).get('/admin').auth(ADMIN.user, password);
  if (ip) req.set('X-Forwarded-For', ip);
  if (cookie) req.set('Cookie', cookie);
  return req;
};

/** The cookies a response sets, as the browser sends them back. */
function cookiesOf(res: request.Response): string {
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return set.map((c) => c.split(';')[0]!).join('; ');
}

describe('admin sign-in under guessing', () => {
  it('when someone at the same address (one proxy, no TRUST_PROXY) guesses wrong 15 times, then the admin whose browser signed in before still gets in', async () => {
    portal = createTestPortal();
    const first = await signIn(portal, ADMIN.password);
    expect(first.status).toBe(200);
    const cookie = cookiesOf(first);
    const guesses: number[] = [];
    for (let i = 0; i < 15; i++) guesses.push((await signIn(portal, `guess-${i}`)).status);
    expect(guesses).toContain(429); // the guesser is throttled
    const admin = await signIn(portal, ADMIN.password, undefined, cookie);
    expect(admin.status).toBe(200);
    expect(admin.text).toContain('Webhook events');
  });

  it('when guesses for one username come from 30 addresses, one each, then the username is throttled for browsers it has not seen', async () => {
    portal = createTestPortal({ TRUST_PROXY: 'true' });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await signIn(portal, `guess-${i}`, `203.0.113.${i + 1}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    const throttled = statuses.filter((s) => s === 429).length;
    expect(throttled).toBeGreaterThan(0);
    const next = await signIn(portal, 'guess-next', '198.51.100.200');
    expect(next.status).toBe(429);
    expect(Number(next.headers['retry-after'])).toBeGreaterThan(0);
    expect(next.text).toContain('Too many failed sign-ins');
  });

  it('when one address keeps guessing, then it backs off (429 with Retry-After), while the admin at another address signs in', async () => {
    portal = createTestPortal({ TRUST_PROXY: 'true' });
    for (let i = 0; i < 5; i++) expect((await signIn(portal, `guess-${i}`, '203.0.113.9')).status).toBe(401);
    const waited = await signIn(portal, 'guess-5', '203.0.113.9');
    expect(waited.status).toBe(429);
    expect(Number(waited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await signIn(portal, ADMIN.password, '198.51.100.7')).status).toBe(200);
  });
});
