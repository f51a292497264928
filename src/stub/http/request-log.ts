import type { RequestHandler } from 'express';
import { formatApiTime, type LoggedRequest } from '../../contract/index.js';

const LIMIT = 1000;
const MAX_LOGGED_BODY = 4096;
const BEARER = /^Bearer\s+(\S+)/i;

/** The last 1,000 API requests, newest first; in memory (a developer's view, not state). */
export class RequestLog {
  private readonly entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > LIMIT) this.entries.shift();
  }

  latest(): LoggedRequest[] {
    return [...this.entries].reverse();
  }

  clear(): void {
    this.entries.length = 0;
  }
}

function loggableBody(body: unknown): unknown {
  if (body === undefined) return null;
  const text = JSON.stringify(body);
  return text !== undefined && text.length <= MAX_LOGGED_BODY ? body : null;
}

/** Express middleware recording each request once its answer is sent. */
export function logRequests(log: RequestLog, now: () => number): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const at = formatApiTime(now());
    const path = new URL(req.originalUrl, 'http://stub.invalid').pathname;
    res.on('finish', () => {
      const token = BEARER.exec(req.get('authorization') ?? '')?.[1];
      log.add({
        request_id: req.id,
        at,
        method: req.method,
        path,
        query: { ...req.query },
        api_key_prefix: token === undefined ? null : token.slice(0, 12),
        idempotency_key: req.get('idempotency-key') ?? null,
        body: loggableBody(req.body),
        status: res.statusCode,
        error_code: typeof res.locals.errorCode === 'string' ? res.locals.errorCode : null,
        latency_ms: Math.round(performance.now() - started),
      });
    });
    next();
  };
}
