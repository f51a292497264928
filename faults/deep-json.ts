import { join } from 'node:path';
import { sign } from '../src/contract/index.js';
import { API_KEY, freePort, peakRssMb, peek, runScenario, startPortal, startStub, WEBHOOK_SECRET } from './support.js';

/** JSON nested 5,000 levels deep (30 KB) to the stub's API and controls and the portal's receivers. */
const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

runScenario('deep-json', 60, async (scratch) => {
  const port = await freePort();
  const stub = await startStub(scratch, { dbPath: join(scratch.dir, 'stub.db'), webhookUrl: `http://127.0.0.1:${port}/webhooks/mintoffice` });
  const portalDb = join(scratch.dir, 'portal.db');
  const portal = await startPortal(scratch, { port, dbPath: portalDb, apiUrl: stub.url });
  const body = `{"tier":"s1","duration_months":1,"success_url":"http://x/ok","cancel_url":"http://x/no","metadata":${deep(5_000)}}`;
  const answers: string[] = [];
  const post = async (url: string, raw: string, headers: Record<string, string>) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
    const text = await res.text();
    answers.push(`${res.status}${/validation_error/.test(text) ? ' validation_error' : ''}`);
    return res.status;
  };
  const auth = { authorization: `Bearer ${API_KEY}` };
  const results = [
    (await post(`${stub.url}/api/v1/orders`, body, { ...auth, 'idempotency-key': 'deep-1' })) === 422,
    (await post(`${stub.url}/api/v1/orders/1/renew`, body, { ...auth, 'idempotency-key': 'deep-2' })) < 500,
    (await post(`${stub.url}/_stub/clock`, '['.repeat(5_000) + ']'.repeat(5_000), auth)) === 422,
    (await post(`${portal.url}/webhooks/mintoffice`, `{"id":1,"x":${deep(5_000)}}`, {
      'x-mintbot-signature': sign(WEBHOOK_SECRET, `{"id":1,"x":${deep(5_000)}}`),
      'x-mintbot-event-id': 'evt_deep_1',
      'x-mintbot-event-type': 'order.paid',
    })) === 400,
    (await post(`${portal.url}/api/partner`, `{"name":${deep(5_000)}}`, { accept: 'application/json' })) === 400,
  ];
  const rss = peakRssMb(stub.child.pid);
  const stored = peek<{ n: number }>(portalDb, 'SELECT count(*) AS n FROM webhook_events')[0]!.n;
  const orders = peek<{ n: number }>(join(scratch.dir, 'stub.db'), 'SELECT count(*) AS n FROM orders')[0]!.n;
  await portal.stop();
  await stub.stop();
  return {
    ok: results.every(Boolean) && stored === 0 && orders === 0 && rss < 300,
    detail: `answers ${answers.join(' / ')}; nothing stored (${stored} events, ${orders} stub orders); stub peak RSS ${rss.toFixed(0)} MB`,
  };
});
