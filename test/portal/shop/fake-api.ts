import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sampleOrder } from '../../support/orders.js';

/** One scripted answer. `drop` destroys the connection without answering; `hang` never answers. */
export type FakeReply =
  | { status: number; body?: unknown; raw?: string; headers?: Record<string, string> }
  | { drop: true }
  | { hang: true }
  | { delayMs: number; status: number; body?: unknown };

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeApi {
  /** Base URL (what MINTOFFICE_API_URL would be). */
  url: string;
  requests: FakeRequest[];
  /** Replies used in order, one per request; when they run out, `fallback` answers. */
  script(...replies: FakeReply[]): void;
  fallback: (req: FakeRequest) => FakeReply;
  close(): Promise<void>;
}

/** A mintbot order as the API returns it (no credit unless a test sets it). */
export function apiOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return sampleOrder({ credit_usd: 0, ...overrides });
}

export function apiError(code: string, message: string, extra: Record<string, unknown> = {}): unknown {
  return { error: { code, message, request_id: 'req_fake' }, ...extra };
}

/**
 * A real HTTP server on 127.0.0.1 that misbehaves on purpose: 5xx, dropped connections, slow or
 * no answers, 429 with Retry-After, bodies that are not JSON or not the contract. Every request
 * is recorded with its headers so tests can check the Idempotency-Key of each attempt.
 */
export async function startFakeApi(): Promise<FakeApi> {
  const queue: FakeReply[] = [];
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  const api: FakeApi = {
    url: '',
    requests,
    script: (...replies) => queue.push(...replies),
    fallback: () => ({ status: 500, raw: 'no scripted reply' }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: FakeRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const reply = queue.shift() ?? api.fallback(recorded);
      answer(res, reply);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}

function answer(res: ServerResponse, reply: FakeReply): void {
  if ('drop' in reply) {
    res.socket?.destroy();
    return;
  }
  if ('hang' in reply) return;
  const send = () => {
    const text = 'raw' in reply && reply.raw !== undefined ? reply.raw : JSON.stringify(reply.body ?? {});
    res.writeHead(reply.status, { 'content-type': 'application/json', ...('headers' in reply ? reply.headers : {}) });
    res.end(text);
  };
  if ('delayMs' in reply) setTimeout(send, reply.delayMs).unref();
  else send();
}

/** A settings body that satisfies the contract, with prices and credit options. */
export function apiSettings(overrides: { prices?: Record<string, number>; credit?: number[]; currency?: string } = {}): unknown {
  const prices = overrides.prices ?? { trial: 0, s1: 1200, s2: 2400, s4: 4800 };
  const section = { status: 'ready', mode: null, issue: null, dns_blocker: null };
  return {
    id: 12,
    email: 'you@example.com',
    status: 'live',
    created_at: '2026-05-12 14:22:01',
    onboarded_at: null,
    activated_at: null,
    last_login_at: null,
    preferred_language: 'en',
    pricing_currency: overrides.currency ?? 'usd',
    balance_unpaid_cents: 0,
    domain: {
      mode: 'byo',
      client_apex_domain: 'example.com',
      dns_provider: 'zone.ee',
      zone_ee_username: null,
      zone_ee_api_key_set: false,
      subdomain_prefix: 'agent',
      subdomain_numbering: 'natural',
      subdomain_pad_width: 0,
      subdomain_label_preview: 'agent1',
    },
    bot: { mode: 'web', provider: null, telegram_bot_username: null, telegram_bot_token_set: false },
    template: { mode: 'default', repo_url: null },
    api: { key_prefix: 'mo_test_abcd', key_created_at: null, webhook_url: null, webhook_secret_set: false },
    pricing: {
      mode: 'default',
      currency: overrides.currency ?? 'usd',
      tiers: Object.fromEntries(Object.entries(prices).map(([tier, cents]) => [tier, { price_cents: cents, partner_cut_cents: 0, updated_at: null }])),
    },
    readiness: { ready: true, missing_fields: [], dns_blocker: null, status: 'live' },
    section_status: { domain: section, bot: section, template: section, api: section, all_ready: true },
    allowed_credit_options: overrides.credit ?? [10, 20, 50],
  };
}
