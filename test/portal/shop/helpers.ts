import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadPortalConfig } from '../../../src/portal/config.js';
import { createPortal, startPortal, type Portal } from '../../../src/portal/index.js';
import type { OrderRow } from '../../../src/portal/orders/store.js';
import type { StubConfigInput } from '../../../src/stub/index.js';
import { freshDatabaseEnv, ORDER_INSERTION_KEY, rows } from '../../support/database.js';
import { startTestStub, type TestStub } from '../../support/stub.js';
import { freePort } from '../../../src/lib/net.js';

export interface Shop {
  portal: Portal;
  /** What supertest should talk to: the node listener (fast path + Express), or the URL when listening. */
  target: Portal['handler'] | string;
  baseUrl: string;
  stub: TestStub | undefined;
  /** Every portal log line, parsed. */
  logs: Array<Record<string, unknown>>;
  rawLogs: () => string;
  order(ref: string): Promise<OrderRow | undefined>;
  orders(): Promise<OrderRow[]>;
  close(): Promise<void>;
}

/**
 * A portal on a temp database. With `stub`, it talks to a real stub (started here) with the stub's
 * key and secret; with `listening`, it listens on a free port and the stub delivers webhooks to it
 * (or, without a secret, the portal polls). `env` overrides anything, by public variable name.
 */
export async function startShop(options: { stub?: StubConfigInput | false; env?: Record<string, string>; listening?: boolean; webhooks?: boolean } = {}): Promise<Shop> {
  const dir = mkdtempSync(join(tmpdir(), 'shop-test-'));
  const listening = options.listening ?? false;
  const webhooks = options.webhooks ?? listening;
  const port = listening ? await freePort() : 8000;
  const baseUrl = `http://127.0.0.1:${port}`;
  const stub =
    options.stub === false
      ? undefined
      : await startTestStub({ ...(webhooks ? { webhookUrl: `${baseUrl}/webhooks/mintoffice` } : {}), ...(options.stub ?? {}) });
  const logs: Array<Record<string, unknown>> = [];
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      try {
        logs.push(JSON.parse(chunk.toString()));
      } catch {
        /* not JSON */
      }
      done();
    },
  });
  const env: Record<string, string> = {
    MINTOFFICE_API_URL: stub?.url ?? 'http://127.0.0.1:9',
    MINTOFFICE_API_KEY: stub?.apiKey() ?? 'mo_test_0123456789abcdef',
    MINTOFFICE_WEBHOOK_SECRET: webhooks && stub ? stub.webhookSecret : '',
    CHECKOUT_ORIGINS: ['https://checkout.stripe.com', ...(stub ? [new URL(stub.url).origin] : [])].join(','),
    PUBLIC_BASE_URL: baseUrl,
    ADMIN_PASSWORD: 'correct-horse-battery',
    MINTOFFICE_RETRIES: '0',
    MINTOFFICE_TIMEOUT_SECONDS: '2',
    ORDER_POLL_SECONDS: '1',
    LOG_LEVEL: 'info',
    ...(await freshDatabaseEnv(dir)),
    PORT: String(port),
    ...options.env,
  };
  const config = loadPortalConfig(env);
  const logger = pino({ level: 'debug' }, sink);
  const portal = listening ? await startPortal(config, { logger, backoffMs: 5 }) : await createPortal(config, { logger, backoffMs: 5 });
  if (!listening) await portal.deps.settings.refresh();
  else await waitForSettings(portal);
  return {
    portal,
    target: listening ? (portal as Awaited<ReturnType<typeof startPortal>>).url : portal.handler,
    baseUrl,
    stub,
    logs,
    rawLogs: () => lines.join(''),
    order: async (ref) => (await rows<OrderRow>(portal, 'SELECT * FROM orders WHERE ref = @ref', { ref }))[0],
    orders: () => rows<OrderRow>(portal, `SELECT * FROM orders ORDER BY created_at, ${ORDER_INSERTION_KEY}`),
    close: async () => {
      await portal.close();
      await stub?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForSettings(portal: Portal): Promise<void> {
  if (portal.deps.settings.get() || !portal.deps.config.apiKey) return;
  await portal.deps.settings.refresh();
}

/** The hidden idempotency key of a rendered form. */
export function formKey(html: string): string {
  const match = /name="idempotency_key" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no idempotency_key in the page');
  return match[1]!;
}

/** The ref in a /thank-you?ref= URL. */
export function refOf(location: string): string {
  const ref = new URL(location, 'http://x').searchParams.get('ref');
  if (!ref) throw new Error(`no ref in ${location}`);
  return ref;
}

/** Pays (or cancels) on the stub's fake checkout like a browser would; returns where it sends the customer. */
export async function checkoutAction(checkoutUrl: string, action: 'pay' | 'cancel', card = '4242424242424242'): Promise<{ status: number; location: string | null }> {
  const res = await fetch(`${checkoutUrl}/${action}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: action === 'pay' ? new URLSearchParams({ card_number: card }).toString() : '',
  });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location') };
}

/** GET on the stub's API with its current key. */
// biome-ignore lint/suspicious/noExplicitAny: JSON whose shape each test asserts itself
export async function stubApi(stub: TestStub, path: string): Promise<any> {
  const res = await fetch(`${stub.url}/api/v1${path}`, { headers: { authorization: `Bearer ${stub.apiKey()}` } });
  return res.json();
}

/** POST to the stub's test controls. */
export async function stubControl(stub: TestStub, path: string, body: unknown = {}): Promise<void> {
  const res = await fetch(`${stub.url}/_stub/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stub.apiKey()}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`stub control ${path}: ${res.status} ${await res.text()}`);
}

export const BUY = { plan: 's1', duration_months: '3', credit_usd: '10', language: 'en' };
