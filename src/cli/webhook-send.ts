/**
 * npm run webhook:send -- [options]
 *
 * Signs an event the way mintbot does and posts it to a portal's webhook receiver, printing the
 * status and the answer. Exit code 0 on 2xx, 1 on any other answer, 2 on bad arguments or no answer.
 *
 *   --url      receiver URL (default $PUBLIC_BASE_URL/webhooks/mintoffice, else http://127.0.0.1:$PORT/…, PORT 8000)
 *   --secret   signing secret (default $MINTOFFICE_WEBHOOK_SECRET)
 *   --type     event type (default: the one in --id, else order.paid)
 *   --order    mintbot order id for the sample payload and the default event id (default: from --id, else 42)
 *   --id       event id, e.g. to replay one (default evt_<order>_<type>_<ms>)
 *   --payload  JSON text, or @file to read it from (default: a sample order like the spec's)
 *   --external-id  external_id in the sample payload (e.g. a portal order ref)
 *   --skew     seconds to add to the signature time (--skew=-400 shows a stale signature refused)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Dispatcher, request } from 'undici';
import { eventId, EventType, formatApiTime, sign } from '../contract/index.js';
import { loadEnvFile } from '../lib/env-file.js';

const USAGE = 'usage: npm run webhook:send -- [--url URL] [--secret S] [--type T] [--order N] [--id EVT] [--payload JSON|@file] [--external-id REF] [--skew SECONDS]';

function fail(message: string): never {
  process.stderr.write(`webhook:send: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function samplePayload(orderId: number, type: string, externalId: string | null, nowMs: number): Record<string, unknown> {
  const status: Record<string, string> = {
    'order.created': 'awaiting_payment',
    'order.paid': 'completed',
    'order.cancelled': 'expired',
    'agent.provisioning_started': 'completed',
    'agent.ready': 'deployed',
    'agent.failed': 'deploy_failed',
    'agent.expired': 'expired',
  };
  const paid = type !== 'order.created' && type !== 'order.cancelled';
  const hasAgent = type === 'agent.ready' || type === 'agent.expired';
  return {
    id: orderId,
    tier: 's1',
    duration_months: 1,
    credit_usd: 10,
    amount_cents: 1200,
    currency: 'usd',
    status: status[type] ?? 'completed',
    checkout_url: null,
    panel_url: hasAgent ? `https://agent${orderId}.example.com` : null,
    expires_at: hasAgent ? formatApiTime(nowMs + 30 * 86_400_000) : null,
    language: 'en',
    external_id: externalId,
    created_at: formatApiTime(nowMs - 60_000),
    paid_at: paid ? formatApiTime(nowMs - 30_000) : null,
    ...(type === 'agent.failed' ? { error: { step: 'deploy', message: 'sample failure from webhook:send' } } : {}),
  };
}

function parseArguments() {
  try {
    return parseArgs({
      options: {
        url: { type: 'string' },
        secret: { type: 'string' },
        type: { type: 'string' },
        order: { type: 'string' },
        id: { type: 'string' },
        payload: { type: 'string' },
        'external-id': { type: 'string' },
        skew: { type: 'string', default: '0' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
}

async function main(): Promise<void> {
  const values = parseArguments();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  try {
    loadEnvFile();
  } catch (err) {
    fail((err as Error).message);
  }
  const secret = values.secret ?? process.env['MINTOFFICE_WEBHOOK_SECRET'];
  if (!secret) fail('no secret: pass --secret or set MINTOFFICE_WEBHOOK_SECRET');
  // The portal this shell would start: the same variables npm start reads.
  const url = values.url ?? `${(process.env['PUBLIC_BASE_URL'] ?? `http://127.0.0.1:${process.env['PORT'] || '8000'}`).replace(/\/+$/, '')}/webhooks/mintoffice`;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) fail(`--url: "${url}" is not an http(s) URL`);
  // A replayed mintbot id (evt_<order>_<type>_<ms>) says which order and type it was.
  const replayed = values.id === undefined ? null : /^evt_(\d{1,15})_([a-z_]+\.[a-z_]+)_\d+$/.exec(values.id);
  const order = values.order ?? replayed?.[1] ?? '42';
  if (!/^\d{1,15}$/.test(order)) fail('--order: must be a whole number');
  if (!/^-?\d{1,9}$/.test(values.skew)) fail('--skew: must be whole seconds, e.g. -400');
  const orderId = Number(order);
  const now = Date.now();
  const type = values.type ?? replayed?.[2] ?? 'order.paid';
  if (!EventType.safeParse(type).success) process.stderr.write(`note: "${type}" is not one of mintbot's event types; the portal stores it without applying it\n`);

  let body: string;
  if (values.payload !== undefined) {
    body = values.payload.startsWith('@') ? readFileSync(values.payload.slice(1), 'utf8') : values.payload;
  } else {
    body = JSON.stringify(samplePayload(orderId, type, values['external-id'] ?? null, now));
  }
  const id = values.id ?? (EventType.safeParse(type).success ? eventId(orderId, type as EventType, now) : `evt_${orderId}_${type}_${now}`);
  const signature = sign(secret, body, Math.floor(now / 1000) + Number(values.skew));

  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'mintbot-webhook/1.0 (webhook:send)',
        'x-mintbot-signature': signature,
        'x-mintbot-event-id': id,
        'x-mintbot-event-type': type,
      },
      body,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    process.stderr.write(`webhook:send: no answer from ${url} (${e.code ?? e.message})\n`);
    process.exit(2);
  }
  const text = await res.body.text();
  process.stdout.write(`${id} ${type} → ${res.statusCode}${res.headers['x-request-id'] ? ` (request ${String(res.headers['x-request-id'])})` : ''}\n${text}\n`);
  process.exitCode = res.statusCode >= 200 && res.statusCode < 300 ? 0 : 1;
}

await main();
