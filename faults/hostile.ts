import { connect } from 'node:net';
import { join } from 'node:path';
import { sign } from '../src/contract/index.js';
import { ADMIN_PASSWORD, freePort, peek, runScenario, startPortal, startStub, WEBHOOK_SECRET } from './support.js';

/**
 * Malformed requests across every route, method and body shape the portal has: not one 5xx,
 * nothing written to orders, events or inquiries, and /healthz still 200 afterwards.
 */
const PATHS = [
  '/', '/buy', '/buy?plan=s1', '/cancel', '/thank-you', '/thank-you/status', '/renew', '/webhooks/mintoffice', '/healthz',
  '/partners', '/api/partner', '/admin', '/admin/rejected', '/admin/orders', '/admin/orders/x', '/admin/inquiries', '/admin/partner',
  '/admin/dns', '/admin/dns/delete', '/static/css/site.css', '/static/../package.json', '/metrics', '/nope',
];
const QUERIES = [
  '', '?plan=s1&plan=s4', '?plan[]=x', '?ref=%3Cscript%3E', '?ref=' + 'A'.repeat(5000), '?after=-1', '?before=99999999999999999999',
  '?type=%FF%FE', '?q=' + '%27%22%3B--'.repeat(50), '?%', '?fast_track=2', '?saved=%00', '?plan=%F0%9F%98%80',
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
const deep = '{"a":'.repeat(3000) + '1' + '}'.repeat(3000);
const BODIES: Array<[string | Buffer, Record<string, string>]> = [
  ['', {}],
  ['garbage', { 'content-type': 'application/json' }],
  ['{', { 'content-type': 'application/json' }],
  [deep, { 'content-type': 'application/json' }],
  ['x'.repeat(300_000), { 'content-type': 'application/json' }],
  [Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]), { 'content-type': 'application/x-www-form-urlencoded' }],
  ['plan=s1&plan=s4&idempotency_key=a&idempotency_key=b', { 'content-type': 'application/x-www-form-urlencoded' }],
  [Array.from({ length: 2000 }, (_, i) => `f${i}=1`).join('&'), { 'content-type': 'application/x-www-form-urlencoded' }],
  ['plan=s1&duration_months=7&credit_usd=-5&idempotency_key=short', { 'content-type': 'application/x-www-form-urlencoded' }],
  ['plan=s9&duration_months=1&idempotency_key=0123456789abcdef0123', { 'content-type': 'application/x-www-form-urlencoded' }],
  ['{"name":"x"}', { 'content-type': 'application/json; charset=latin1' }],
  ['\x1f\x8b garbage', { 'content-type': 'application/json', 'content-encoding': 'gzip' }],
  ['{"name":["a"],"email":{"$ne":1},"message":null}', { 'content-type': 'application/json' }],
  ['<xml/>', { 'content-type': 'text/xml' }],
];
const HEADERS: Array<Record<string, string>> = [
  {},
  { authorization: 'Basic !!!' },
  { authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` },
  { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`, origin: 'https://evil.example' },
  { cookie: 'admin_device=' + 'A'.repeat(4000) },
  { 'x-forwarded-for': 'not-an-ip, 999.1.1.1' },
  { 'x-mintbot-signature': 't=1,v1=zz', 'x-mintbot-event-id': '../../x', 'x-mintbot-event-type': '<b>' },
  { accept: 'application/json' },
];
const RAW = [
  'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n',
  'POST /buy HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
  'BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET / HTTP/9.9\r\n\r\n',
  'GET / HTTP/1.1\r\n' + 'X-Big: ' + 'a'.repeat(20_000) + '\r\n\r\n',
  '\r\n\r\n\r\n',
];

function rawStatus(url: string, text: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let reply = '';
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0)));
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

runScenario('hostile', 150, async (scratch) => {
  const port = await freePort();
  const stub = await startStub(scratch, { dbPath: join(scratch.dir, 'stub.db'), webhookUrl: `http://127.0.0.1:${port}/webhooks/mintoffice` });
  const dbPath = join(scratch.dir, 'portal.db');
  const portal = await startPortal(scratch, { port, dbPath, apiUrl: stub.url, env: { TRUST_PROXY: 'true' } });
  const counts = () => peek<{ o: number; e: number; i: number }>(dbPath, 'SELECT (SELECT count(*) FROM orders) AS o, (SELECT count(*) FROM webhook_events) AS e, (SELECT count(*) FROM inquiries) AS i')[0]!;
  const before = counts();

  const requests: Array<() => Promise<number>> = [];
  for (const path of PATHS) {
    for (const query of QUERIES) for (const method of ['GET', 'POST']) requests.push(() => send(method, path + query, '', {}));
    for (const method of METHODS) for (const [body, headers] of BODIES) if (method !== 'GET' && method !== 'HEAD') requests.push(() => send(method, path, body, headers));
    for (const headers of HEADERS) for (const method of ['GET', 'POST']) requests.push(() => send(method, path, '{}', { 'content-type': 'application/json', ...headers }));
  }
  // Signed but malformed webhooks: the signature is right, the rest is not.
  for (const [body] of BODIES) {
    const raw = typeof body === 'string' ? body : body.toString('latin1');
    const variants: Array<Record<string, string>> = [{}, { 'x-mintbot-event-id': 'evt_ok_1' }, { 'x-mintbot-event-id': 'evt ok', 'x-mintbot-event-type': 'order.paid' }];
    for (const headers of variants) {
      requests.push(() => send('POST', '/webhooks/mintoffice', body, { 'content-type': 'application/json', 'x-mintbot-signature': sign(WEBHOOK_SECRET, raw), ...headers }));
    }
  }
  for (const text of RAW) requests.push(() => rawStatus(portal.url, text));

  const statuses = new Map<number, number>();
  const fivexx: string[] = [];
  async function send(method: string, path: string, body: string | Buffer, headers: Record<string, string>): Promise<number> {
    try {
      const res = await fetch(`${portal.url}${path}`, { method, headers: { 'x-forwarded-for': `198.51.100.${Math.floor(Math.random() * 250)}`, ...headers }, redirect: 'manual', ...(body !== '' && method !== 'GET' && method !== 'HEAD' ? { body: typeof body === 'string' ? body : new Uint8Array(body) } : {}) });
      await res.arrayBuffer();
      if (res.status >= 500) fivexx.push(`${method} ${path.slice(0, 60)} → ${res.status}`);
      return res.status;
    } catch {
      return 0; // the server closed the connection (oversized, malformed): not a 5xx
    }
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < requests.length) {
        const status = await requests[next++]!();
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const after = counts();
  const health = await fetch(`${portal.url}/healthz`);
  await portal.stop();
  await stub.stop();
  const written = after.o - before.o + (after.e - before.e) + (after.i - before.i);
  const summary = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${n}×${s || 'closed'}`).join(' ');
  return {
    ok: fivexx.length === 0 && written === 0 && health.status === 200,
    detail: `${requests.length} malformed requests: ${summary}; ${fivexx.length} 5xx${fivexx.length ? ` (${fivexx.slice(0, 3).join('; ')})` : ''}; rows written ${written}; /healthz ${health.status} after`,
  };
});
