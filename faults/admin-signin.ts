import { join } from 'node:path';
import { ADMIN_PASSWORD, runScenario, startPortal } from './support.js';

/**
 * Guessing the admin password: one address guessing backs off; guesses spread over 40 addresses
 * are throttled per username; the admin's own browser still signs in with the right password
 * from the guesser's address (one proxy, everyone shares it).
 */
runScenario('admin-signin', 60, async (scratch) => {
  const portal = await startPortal(scratch, { dbPath: join(scratch.dir, 'portal.db'), env: { TRUST_PROXY: 'true' } });
  const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
  const get = async (password: string, ip: string, cookie = '') => {
    const res = await fetch(`${portal.url}/admin`, { headers: { authorization: basic(password), 'x-forwarded-for': ip, ...(cookie ? { cookie } : {}) } });
    await res.arrayBuffer();
    return { status: res.status, cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
  };
  const first = await get(ADMIN_PASSWORD, '192.0.2.1');
  const one: number[] = [];
  for (let i = 0; i < 12; i++) one.push((await get(`guess-${i}`, '192.0.2.1')).status);
  const spread: number[] = [];
  for (let i = 0; i < 40; i++) spread.push((await get(`spread-${i}`, `203.0.113.${i + 1}`)).status);
  const admin = await get(ADMIN_PASSWORD, '192.0.2.1', first.cookie);
  const stranger = await get(ADMIN_PASSWORD, '198.51.100.50');
  await portal.stop();
  const count = (list: number[], s: number) => list.filter((x) => x === s).length;
  const ok = first.status === 200 && count(one, 429) > 0 && count(spread, 429) > 0 && count(spread, 401) <= 20 && admin.status === 200;
  return {
    ok,
    detail: `one address, 12 guesses: ${count(one, 401)}×401 ${count(one, 429)}×429; 40 addresses, one guess each: ${count(spread, 401)}×401 ${count(spread, 429)}×429; then the admin's browser at the guesser's address: ${admin.status}; a browser never seen before: ${stranger.status} (throttled while the username is under attack)`,
  };
});
