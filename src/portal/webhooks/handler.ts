import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verify, WEBHOOK_HEADERS } from '../../contract/index.js';
import { jsonNestedDeeperThan, TOO_DEEP_MESSAGE } from '../../lib/json-depth.js';
import { requestIdFor } from '../../lib/request-id.js';
import type { PortalDeps } from '../deps.js';
import { isStoreBusy } from '../store/busy.js';
import type { IncomingEvent } from './store.js';

export const WEBHOOK_PATH = '/webhooks/mintoffice';
/** Past this many body bytes the delivery is refused with 413 and reading stops. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

const EVENT_ID = /^[A-Za-z0-9._:-]{1,200}$/;
const EVENT_TYPE = /^[A-Za-z0-9._-]{1,64}$/;

type Reason =
  | 'no_secret'
  | 'signature_missing'
  | 'signature_malformed'
  | 'signature_stale'
  | 'signature_mismatch'
  | 'event_id_missing'
  | 'event_id_invalid'
  | 'event_type_missing'
  | 'event_type_invalid'
  | 'body_not_utf8'
  | 'body_not_json'
  | 'body_not_object'
  | 'body_too_deep'
  | 'body_too_large';

/** What goes on the wire for each refusal. 401s never say why (the log does). */
const ANSWERS: Record<Reason, { status: number; body: string }> = {
  no_secret: answer(401, 'unauthorized'),
  signature_missing: answer(401, 'unauthorized'),
  signature_malformed: answer(401, 'unauthorized'),
  signature_stale: answer(401, 'unauthorized'),
  signature_mismatch: answer(401, 'unauthorized'),
  event_id_missing: answer(400, 'X-Mintbot-Event-Id is required'),
  event_id_invalid: answer(400, 'X-Mintbot-Event-Id must be 1-200 characters of A-Z a-z 0-9 . _ : -'),
  event_type_missing: answer(400, 'X-Mintbot-Event-Type is required'),
  event_type_invalid: answer(400, 'X-Mintbot-Event-Type must be 1-64 characters of A-Z a-z 0-9 . _ -'),
  body_not_utf8: answer(400, 'the body must be UTF-8'),
  body_not_json: answer(400, 'the body must be JSON'),
  body_not_object: answer(400, 'the body must be a JSON object'),
  body_too_deep: answer(400, `the body ${TOO_DEEP_MESSAGE}`),
  body_too_large: answer(413, `the body must be at most ${MAX_WEBHOOK_BYTES} bytes`),
};
// Answers are ASCII strings: node writes the head and a string body in one write (a Buffer body
// costs a separate writev chunk), and Content-Length is the string's length.
const STORED = '{"received":true}';
const REPLAYED = '{"received":true,"duplicate":true}';
const FAILED = '{"error":"could not store the event; please retry"}';
const BUSY = '{"error":"the database is busy; please retry"}';

/**
 * How long an event waits for the database (locked by another process, or its WAL at the size
 * limit) before it is answered 503, so the sender retries it later. mintbot gives up after 10 s.
 */
export const WEBHOOK_WRITE_WAIT_MS = 3_000;
/** Seconds the 503 asks the sender to wait. */
const BUSY_RETRY_AFTER = '5';
/** Pauses between tries while the database is busy: each try may block the loop busy_timeout ms. */
const BUSY_RETRY_DELAYS_MS = [5, 10, 20, 40, 80, 160, 200];
const EMPTY = Buffer.alloc(0);

function answer(status: number, message: string): { status: number; body: string } {
  return { status, body: JSON.stringify({ error: message }) };
}

export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * POST /webhooks/mintoffice as a bare node:http listener (Express's per-request cost is large at
 * thousands of events per second). The order of checks: size cap while reading, signature over
 * the exact bytes (nothing is parsed before), event headers, UTF-8, JSON object; then one
 * transaction stores and applies the event. Nothing slow runs here: no outbound call, no info log.
 */
export interface WebhookHandlerOptions {
  /**
   * True while writers should hold back (SQLite: the WAL file is at WAL_LIMIT_MB and the
   * checkpointer has not reset it yet); events wait as they do for a lock.
   */
  holdBack?: () => boolean;
}

export function createWebhookHandler(deps: Pick<PortalDeps, 'config' | 'logger' | 'stores' | 'metrics'>, options: WebhookHandlerOptions = {}): WebhookHandler {
  const { config, logger, metrics } = deps;
  const store = deps.stores.webhookEvents;
  const holdBack = options.holdBack ?? (() => false);
  // When each request arrived, for the ingest-latency metric (the response object is the key).
  const arrivedAt = new WeakMap<ServerResponse, number>();

  interface Pending extends IncomingEvent {
    res: ServerResponse;
    requestId: string;
    /** performance.now() when it was queued: it waits at most WEBHOOK_WRITE_WAIT_MS from here. */
    since: number;
  }
  let queue: Pending[] = [];
  let retryTimer: NodeJS.Timeout | undefined;
  let busyTries = 0;

  /** Commits every event verified in this event-loop turn together, then answers each one. */
  async function flush(): Promise<void> {
    retryTimer = undefined;
    if (holdBack()) return waitForDatabase('the store asked writers to hold back (WAL at its size limit)');
    const batch = queue;
    queue = [];
    let results: Awaited<ReturnType<typeof store.ingestBatch>>;
    try {
      // Nothing is answered before this resolves: a 2xx means the event is committed.
      results = await store.ingestBatch(batch);
    } catch (err) {
      if (isStoreBusy(err)) {
        queue = batch.concat(queue);
        return waitForDatabase('the database is locked by another connection');
      }
      // Not acknowledged, so the sender retries; the retry is stored once.
      logger.error({ err, events: batch.length }, 'webhook: could not store a batch of events');
      for (const p of batch) send(p.res, 500, FAILED, p.requestId, 'failed');
      return;
    }
    if (busyTries > 0) logger.info({ tries: busyTries }, 'webhook: the database is writable again');
    busyTries = 0;
    const debug = logger.isLevelEnabled('debug');
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i]!;
      const outcome = results[i]!;
      if (outcome instanceof Error) {
        logger.error({ reqId: p.requestId, err: outcome, eventId: p.eventId }, 'webhook: could not store the event');
        send(p.res, 500, FAILED, p.requestId, 'failed');
        continue;
      }
      if (debug) logger.debug({ reqId: p.requestId, eventId: p.eventId, eventType: p.eventType, ...outcome }, 'webhook received');
      send(p.res, 200, outcome.stored ? STORED : REPLAYED, p.requestId, outcome.stored ? 'stored' : 'replayed');
    }
  }

  /**
   * The database cannot take the queued events now. Waiting happens on a timer, never in SQLite's
   * busy handler, so pages keep being served; events that have waited their fill get 503.
   */
  function waitForDatabase(reason: string): void {
    const now = performance.now();
    const waiting: Pending[] = [];
    for (const p of queue) {
      if (now - p.since < WEBHOOK_WRITE_WAIT_MS) waiting.push(p);
      else send(p.res, 503, BUSY, p.requestId, 'busy', false, BUSY_RETRY_AFTER);
    }
    if (waiting.length < queue.length) logger.warn({ events: queue.length - waiting.length, reason }, 'webhook: answered 503 after waiting for the database');
    else if (busyTries === 0) logger.warn({ reason }, 'webhook: waiting for the database');
    queue = waiting;
    busyTries++;
    if (queue.length > 0) retryTimer = setTimeout(runFlush, BUSY_RETRY_DELAYS_MS[Math.min(busyTries, BUSY_RETRY_DELAYS_MS.length) - 1]);
  }

  function runFlush(): void {
    flush().catch((err: unknown) => logger.error({ err }, 'webhook: a batch could not be answered'));
  }

  function send(res: ServerResponse, status: number, body: string, requestId: string, verdict: string, close = false, retryAfter?: string): void {
    metrics.webhookAnswered(verdict, (performance.now() - (arrivedAt.get(res) ?? performance.now())) / 1000);
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Request-Id': requestId,
    };
    if (close) headers['Connection'] = 'close';
    if (retryAfter) headers['Retry-After'] = retryAfter;
    res.writeHead(status, headers);
    res.end(body);
  }

  function refuse(req: IncomingMessage, res: ServerResponse, requestId: string, reason: Reason, body: Buffer, close = false): void {
    const eventId = headerOf(req, WEBHOOK_HEADERS.eventId) ?? null;
    const eventType = headerOf(req, WEBHOOK_HEADERS.eventType) ?? null;
    logger.warn({ reqId: requestId, reason, eventId: eventId?.slice(0, 200), eventType: eventType?.slice(0, 64) }, 'webhook rejected');
    const a = ANSWERS[reason];
    // Answered once the refusal is recorded (or failed to be), so the admin page shows what the sender saw.
    store.reject({ reason, eventId, eventType, body }).then(
      () => send(res, a.status, a.body, requestId, reason, close),
      (err: unknown) => {
        logger.error({ reqId: requestId, err }, 'webhook: could not record a rejected delivery');
        send(res, a.status, a.body, requestId, reason, close);
      },
    );
  }

  function handle(req: IncomingMessage, res: ServerResponse, requestId: string, raw: Buffer): void {
    const secret = config.webhookSecret;
    if (!secret) return refuse(req, res, requestId, 'no_secret', raw);
    const checked = verify(secret, raw, headerOf(req, WEBHOOK_HEADERS.signature));
    if (!checked.ok) return refuse(req, res, requestId, `signature_${checked.reason}`, raw);

    const eventId = headerOf(req, WEBHOOK_HEADERS.eventId);
    if (!eventId) return refuse(req, res, requestId, 'event_id_missing', raw);
    if (!EVENT_ID.test(eventId)) return refuse(req, res, requestId, 'event_id_invalid', raw);
    const eventType = headerOf(req, WEBHOOK_HEADERS.eventType);
    if (!eventType) return refuse(req, res, requestId, 'event_type_missing', raw);
    if (!EVENT_TYPE.test(eventType)) return refuse(req, res, requestId, 'event_type_invalid', raw);

    if (!isUtf8(raw)) return refuse(req, res, requestId, 'body_not_utf8', raw);
    // Stored payloads are pretty-printed by the admin pages (recursively): refuse absurd nesting.
    if (jsonNestedDeeperThan(raw)) return refuse(req, res, requestId, 'body_too_deep', raw);
    const text = raw.toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return refuse(req, res, requestId, 'body_not_json', raw);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return refuse(req, res, requestId, 'body_not_object', raw);
    }

    // While waiting for the database, the retry timer flushes newcomers too.
    if (queue.length === 0 && retryTimer === undefined) setImmediate(runFlush);
    queue.push({ eventId, eventType, text, body: parsed as Record<string, unknown>, res, requestId, since: performance.now() });
  }

  return (req, res) => {
    arrivedAt.set(res, performance.now());
    const existing = res.getHeader('X-Request-Id');
    const requestId = typeof existing === 'string' ? existing : requestIdFor(req.headers['x-request-id']);

    const declared = Number(req.headers['content-length']);
    if (declared > MAX_WEBHOOK_BYTES) {
      // Refused before reading a byte; the connection closes so the rest is never read.
      return refuse(req, res, requestId, 'body_too_large', EMPTY, true);
    }

    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_WEBHOOK_BYTES) {
        done = true;
        req.pause();
        return refuse(req, res, requestId, 'body_too_large', chunks.length ? Buffer.concat(chunks) : chunk, true);
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      handle(req, res, requestId, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('aborted', () => {
      if (done) return;
      done = true;
      logger.warn({ reqId: requestId }, 'webhook: the sender went away mid-body');
    });
    req.on('error', () => {
      done = true;
    });
  };
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
