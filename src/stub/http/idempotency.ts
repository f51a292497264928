import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { IDEMPOTENCY_KEY_HEADER } from '../../contract/index.js';
import type { StubClock } from '../clock.js';
import { ApiError } from '../domain/api-error.js';
import type { StubStore } from '../store/index.js';

export interface JsonResult {
  status: number;
  body: unknown;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Same endpoint and same JSON (key order aside) → same fingerprint. */
function fingerprint(req: Request): string {
  return createHash('sha256')
    .update(`${req.method} ${req.baseUrl}${req.path}\n${canonicalJson(req.body)}`)
    .digest('hex');
}

/**
 * Wraps a synchronous POST handler with the spec's idempotency: the key is required, a replay
 * within 24 h answers the stored status and body with `Idempotent-Replay: true`, and the same
 * key on another body or endpoint is 409.
 *
 * Lookup, the handler's writes and the stored response share one better-sqlite3 transaction with
 * no await inside, so concurrent requests with one key create exactly one order.
 *
 * Only 2xx responses are stored. Every error here (validation_error, quota_exceeded,
 * payment_gateway_error, not_found…) has written nothing, so running the request again is safe
 * and lets a client fix its body, wait for a free slot or ride out a gateway error with the same
 * key. 401 and 429 never get this far.
 */
export function idempotent(store: StubStore, clock: StubClock, handler: (req: Request) => JsonResult): RequestHandler {
  return (req, res) => {
    const key = req.get(IDEMPOTENCY_KEY_HEADER);
    if (key === undefined || key.trim() === '') {
      throw new ApiError('missing_idempotency_key', 'POST requests need an Idempotency-Key header (any UUID per distinct request).');
    }
    if (!KEY.test(key)) throw new ApiError('validation_error', 'Idempotency-Key: must be 1-255 printable ASCII characters');
    const print = fingerprint(req);
    const outcome = store.transaction(() => {
      const now = clock.now();
      const stored = store.idempotency.find(key, now);
      if (stored) {
        if (stored.fingerprint !== print) {
          throw new ApiError('idempotency_key_mismatch', 'this Idempotency-Key was already used with a different request body or endpoint');
        }
        return { replay: true, status: stored.status, body: stored.body };
      }
      const result = handler(req);
      const body = JSON.stringify(result.body);
      if (result.status >= 200 && result.status < 300) {
        store.idempotency.save(key, { fingerprint: print, status: result.status, body }, now);
      }
      return { replay: false, status: result.status, body };
    });
    // Spelled as in the spec; header names are case-insensitive anyway.
    if (outcome.replay) res.set('Idempotent-Replay', 'true');
    res.status(outcome.status).type('application/json').send(outcome.body);
  };
}
