import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sign } from '../../src/contract/index.js';
import { freePort } from '../../src/lib/net.js';
import { startTestStub } from '../support/stub.js';
import { type StartedProcess, useBuild } from './start-process.js';

const SECRET = 'whsec_shutdown_test_0123456789';
const PASSWORD = 'shutdown-admin-password';
// Registered before useBuild, so it runs after useBuild's own afterEach has killed the processes
// (vitest runs after-hooks last-registered first): a stub or receiver closes with no portal left.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
const app = useBuild('shutdown');

function start(main: string, env: Record<string, string>): StartedProcess {
  return app.start(main, { LOG_LEVEL: 'warn', ...env });
}

async function listening(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    server.close();
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A promise with its resolve function, for "hold this until the test says so". */
function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

describe('npm start stopped with SIGTERM', () => {
  it('when a webhook body is still arriving as SIGTERM lands, then the sender gets its 200 and the event is there after a restart', async () => {
    const port = await freePort();
    const dir = app.folder('webhook-');
    const env = { PORT: String(port), DB_PATH: join(dir, 'portal.db'), MINTOFFICE_API_URL: 'http://127.0.0.1:9', MINTOFFICE_API_KEY: 'mo_test_shutdown_0123456789', MINTOFFICE_WEBHOOK_SECRET: SECRET, ADMIN_PASSWORD: PASSWORD };
    const proc = start(app.main, env);
    await proc.waitForStderr('Press Ctrl+C to stop.');

    const eventId = 'evt_4242_order.paid_1764547200000';
    const body = JSON.stringify({ id: 4242, status: 'completed', external_id: null, note: 'x'.repeat(2000) });
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    await once(socket, 'connect');
    socket.write(
      [
        'POST /webhooks/mintoffice HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        `X-Mintbot-Signature: ${sign(SECRET, body)}`,
        `X-Mintbot-Event-Id: ${eventId}`,
        'X-Mintbot-Event-Type: order.paid',
        'Expect: 100-continue',
        '',
        '',
      ].join('\r\n'),
    );
    // "100 Continue" proves the portal has the request in hand before the signal is sent.
    while (!answer.includes('100 Continue')) await once(socket, 'data');
    socket.write(body.slice(0, 1000));
    proc.child.kill('SIGTERM');
    await proc.waitForStderr('SIGTERM: shutting down');
    socket.end(body.slice(1000));
    await once(socket, 'close');
    expect(answer).toMatch(/HTTP\/1\.1 200 OK/);
    expect(await proc.exited).toBe(0);

    const again = start(app.main, env);
    await again.waitForStderr('Press Ctrl+C to stop.');
    const admin = await fetch(`http://127.0.0.1:${port}/admin?q=${eventId}`, { headers: { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` } });
    expect(await admin.text()).toContain(eventId);
  });

  it('when a POST /buy is waiting on a slow API as SIGTERM lands, then the customer still gets the redirect to checkout', async () => {
    const stub = await startTestStub();
    cleanups.push(() => stub.close());
    // In front of the real stub: holds the order creation until the test lets it through.
    const arrived = gate();
    const release = gate();
    const proxy = await listening((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        if (req.method === 'POST' && req.url === '/api/v1/orders') {
          arrived.open();
          await release.promise;
        }
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
        const upstream = await fetch(`${stub.url}${req.url}`, { method: req.method, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      });
    });
    const port = await freePort();
    const proc = start(app.main, {
      PORT: String(port),
      DB_PATH: join(app.folder('buy-'), 'portal.db'),
      MINTOFFICE_API_URL: proxy.url,
      MINTOFFICE_API_KEY: stub.apiKey(),
      MINTOFFICE_WEBHOOK_SECRET: stub.webhookSecret,
      CHECKOUT_ORIGINS: new URL(stub.url).origin,
      ADMIN_PASSWORD: PASSWORD,
    });
    await proc.waitForStderr('Press Ctrl+C to stop.');
    const shop = `http://127.0.0.1:${port}`;
    const form = await (await fetch(`${shop}/buy?plan=s1`)).text();
    const key = /name="idempotency_key" value="([^"]+)"/.exec(form)![1]!;
    const buy = fetch(`${shop}/buy`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ plan: 's1', duration_months: '1', credit_usd: '0', language: 'en', idempotency_key: key }).toString(),
    });
    await arrived.promise;
    proc.child.kill('SIGTERM');
    await proc.waitForStderr('SIGTERM: shutting down');
    release.open();
    const res = await buy;
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(new RegExp(`^${stub.url}/checkout/cs_test_`));
    expect(await proc.exited).toBe(0);
  });
});

describe('npm run stub stopped with SIGTERM', () => {
  it('when a webhook delivery is in flight as SIGTERM lands, then it is either finished or sent again after a restart', async () => {
    const eventIds: string[] = [];
    const firstArrived = gate();
    const answerFirst = gate();
    const receiver = await listening((req, res) => {
      eventIds.push(String(req.headers['x-mintbot-event-id']));
      req.resume();
      if (eventIds.length === 1) {
        firstArrived.open();
        void answerFirst.promise.then(() => res.end('ok'));
      } else {
        res.end('ok');
      }
    });
    const stubPort = await freePort();
    const env = { STUB_PORT: String(stubPort), STUB_DB_PATH: join(app.folder('stub-'), 'stub.db'), STUB_API_KEY: 'mo_test_shutdown_stub_0123456789', STUB_WEBHOOK_URL: `${receiver.url}/webhooks`, STUB_DEPLOY_SECONDS: '3600' };
    const stubMain = app.entry('stub/main.js');
    const proc = start(stubMain, env);
    await proc.waitForStderr('webhook URL');
    const api = `http://127.0.0.1:${stubPort}`;
    const auth = { authorization: `Bearer ${env.STUB_API_KEY}` };
    const created = await fetch(`${api}/api/v1/orders`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'shutdown-order-1' },
      body: JSON.stringify({ tier: 's1', duration_months: 1, credit_usd: 10, success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/no' }),
    });
    expect(created.status).toBe(201);
    await firstArrived.promise;
    proc.child.kill('SIGTERM');
    await proc.waitForStderr('SIGTERM: stub shutting down');
    answerFirst.open();
    expect(await proc.exited).toBe(0);

    const again = start(stubMain, env);
    await again.waitForStderr('webhook URL');
    // Finished before the stop (delivered), or resent now: either way it ends delivered, once.
    const deadline = Date.now() + 10_000;
    let items: Array<{ event_id: string; state: string }> = [];
    while (Date.now() < deadline) {
      items = ((await (await fetch(`${api}/_stub/deliveries`, { headers: auth })).json()) as { items: typeof items }).items;
      if (items.every((d) => d.state === 'delivered')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(items.map((d) => [d.event_id, d.state])).toEqual([[eventIds[0], 'delivered']]);
    expect(new Set(eventIds)).toEqual(new Set([eventIds[0]]));
  });
});
