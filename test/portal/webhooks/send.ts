import type { RequestListener } from 'node:http';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { sign } from '../../../src/contract/index.js';
import { sampleOrder } from '../../support/orders.js';

export const SECRET = 'whsec_test_0123456789abcdef';

/** An order payload as the stub sends it (GET /orders/{id} shape). */
export function orderPayload(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return sampleOrder({ id, checkout_url: `http://127.0.0.1:8001/checkout/cs_${id}`, ...overrides });
}

export interface SendOptions {
  id?: string;
  type?: string;
  secret?: string;
  timestamp?: number;
  signature?: string | null;
  headers?: Record<string, string>;
}

/** Signs `body` (an object, or the exact string to send) and posts it to the portal's handler. */
export function sendEvent(handler: RequestListener | string, body: unknown, options: SendOptions = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const type = options.type ?? 'order.paid';
  const id = options.id ?? `evt_test_${randomUUID()}`;
  const req = request(handler).post('/webhooks/mintoffice').set('Content-Type', 'application/json');
  if (options.signature !== null) {
    req.set('X-Mintbot-Signature', options.signature ?? sign(options.secret ?? SECRET, raw, options.timestamp));
  }
  if (type) req.set('X-Mintbot-Event-Type', type);
  if (id) req.set('X-Mintbot-Event-Id', id);
  for (const [k, v] of Object.entries(options.headers ?? {})) req.set(k, v);
  return req.send(raw);
}

/** Event ids as mintbot makes them, with an explicit occurrence time. */
export function evt(orderId: number, type: string, ms: number): string {
  return `evt_${orderId}_${type}_${ms}`;
}
