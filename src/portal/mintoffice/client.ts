import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import {
  API_PREFIX,
  ApiErrorBody,
  DnsDeleteResponse,
  DnsListResponse,
  DnsUpsertResponse,
  Order,
  OrderList,
  PackageCatalog,
  Subscription,
  type CreateSubscriptionRequest,
  Partner,
  Revenue,
  Settings,
  type CreateOrderRequest,
  type OrderStatus,
  type RenewOrderRequest,
  type UpsertDnsRecordRequest,
} from '../../contract/index.js';
import type { Logger } from '../../lib/logger.js';

/** Why a call did not succeed, in terms the caller can act on. */
export type ApiFailure =
  /** No MINTOFFICE_API_KEY: nothing was sent. */
  | { kind: 'not_configured'; message: string }
  /** 401/403: the key is wrong, rotated, or the partner is not live. The operator must act. */
  | { kind: 'credentials'; status: number; code: string; message: string; requestId: string | null }
  /** 429 with a wait longer than we are willing to hold a customer's request for. */
  | { kind: 'rate_limited'; retryAfterSeconds: number; message: string }
  /** The API understood and refused (4xx, or a 5xx with its error envelope such as payment_gateway_error). */
  | {
      kind: 'rejected';
      status: number;
      code: string;
      message: string;
      requestId: string | null;
      deploysUsed?: number;
      deployQuota?: number;
    }
  /** Could not get an answer: transport error, timeout, 5xx without an envelope, after retries. */
  | { kind: 'unreachable'; message: string }
  /** An answer that does not match the contract. */
  | { kind: 'invalid_response'; status: number; message: string };

export type ApiResult<T> = { ok: true; value: T; replayed: boolean } | { ok: false; error: ApiFailure };

export interface MintOfficeClientOptions {
  /** Base URL before /api/v1. */
  baseUrl: string;
  apiKey: string | undefined;
  timeoutMs: number;
  retries: number;
  logger: Logger;
  dispatcher?: Dispatcher;
  /** First retry wait; doubles each time up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A 429 whose Retry-After is at most this is waited out; a longer one is returned to the caller. */
  maxRetryAfterSeconds?: number;
  /** Told about every call once it has its result (metrics): endpoint template, `ok` or the failure kind, seconds. */
  onCall?: (call: { endpoint: string; outcome: string; seconds: number }) => void;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** The portal's typed client for the Brand Partner API. */
export class MintOfficeClient {
  private readonly dispatcher: Dispatcher;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxRetryAfterSeconds: number;

  constructor(private readonly options: MintOfficeClientOptions) {
    this.dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: 16 });
    this.backoffMs = options.backoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 2_000;
    this.maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 2;
  }

  get configured(): boolean {
    return Boolean(this.options.apiKey);
  }

  createOrder(body: CreateOrderRequest, idempotencyKey: string = randomUUID()): Promise<ApiResult<Order>> {
    return this.call('POST', '/orders', Order, { body, idempotencyKey });
  }

  renewOrder(id: number, body: RenewOrderRequest, idempotencyKey: string = randomUUID()): Promise<ApiResult<Order>> {
    return this.call('POST', `/orders/${id}/renew`, Order, { body, idempotencyKey });
  }

  getOrder(id: number): Promise<ApiResult<Order>> {
    return this.call('GET', `/orders/${id}`, Order);
  }

  listOrders(query: { status?: OrderStatus; cursor?: string } = {}): Promise<ApiResult<OrderList>> {
    return this.call('GET', `/orders${queryString(query)}`, OrderList);
  }

  getSettings(): Promise<ApiResult<Settings>> {
    return this.call('GET', '/settings', Settings);
  }

  /** Beyond the spec: the packages on sale. An API without it answers 404 (see CatalogCache). */
  getCatalog(): Promise<ApiResult<PackageCatalog>> {
    return this.call('GET', '/catalog', PackageCatalog);
  }

  /** Beyond the spec: a monthly auto-renewing plan, paid on the checkout like an order. */
  createSubscription(body: CreateSubscriptionRequest, idempotencyKey: string = randomUUID()): Promise<ApiResult<Subscription>> {
    return this.call('POST', '/subscriptions', Subscription, { body, idempotencyKey });
  }

  getSubscription(id: number): Promise<ApiResult<Subscription>> {
    return this.call('GET', `/subscriptions/${id}`, Subscription);
  }

  cancelSubscription(id: number, idempotencyKey: string = randomUUID()): Promise<ApiResult<Subscription>> {
    return this.call('POST', `/subscriptions/${id}/cancel`, Subscription, { body: {}, idempotencyKey });
  }

  getPartner(): Promise<ApiResult<Partner>> {
    return this.call('GET', '/partner', Partner);
  }

  getRevenue(query: { includePaid?: boolean } = {}): Promise<ApiResult<Revenue>> {
    const include_paid = query.includePaid === false ? 'false' : undefined;
    return this.call('GET', `/revenue${queryString({ include_paid })}`, Revenue);
  }

  listDnsRecords(name?: string): Promise<ApiResult<DnsListResponse>> {
    return this.call('GET', `/dns/records${queryString({ name })}`, DnsListResponse);
  }

  /** DNS upserts need no Idempotency-Key (the spec): retries converge on one record. */
  upsertDnsRecord(body: UpsertDnsRecordRequest): Promise<ApiResult<DnsUpsertResponse>> {
    return this.call('POST', '/dns/records', DnsUpsertResponse, { body });
  }

  deleteDnsRecord(id: string): Promise<ApiResult<DnsDeleteResponse>> {
    return this.call('DELETE', `/dns/records/${encodeURIComponent(id)}`, DnsDeleteResponse);
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.dispatcher.close();
  }

  private async call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: S,
    send: { body?: unknown; idempotencyKey?: string } = {},
  ): Promise<ApiResult<z.infer<S>>> {
    const started = performance.now();
    const result = await this.callWithRetries(method, path, schema, send);
    this.options.onCall?.({
      endpoint: endpointOf(method, path),
      outcome: result.ok ? 'ok' : result.error.kind,
      seconds: (performance.now() - started) / 1000,
    });
    return result;
  }

  private async callWithRetries<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: S,
    send: { body?: unknown; idempotencyKey?: string },
  ): Promise<ApiResult<z.infer<S>>> {
    const { apiKey, baseUrl, timeoutMs, retries, logger } = this.options;
    if (!apiKey) return { ok: false, error: { kind: 'not_configured', message: 'MINTOFFICE_API_KEY is not set' } };

    const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, accept: 'application/json' };
    let payload: string | undefined;
    if (send.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(send.body);
    }
    // The same key on every attempt: a retry after a lost answer cannot create a second order.
    if (send.idempotencyKey) headers['idempotency-key'] = send.idempotencyKey;

    let lastFailure: ApiFailure = { kind: 'unreachable', message: 'no attempt made' };
    let waitedOut = false;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0 && !waitedOut) await sleep(Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempt - 1)));
      waitedOut = false;
      const started = performance.now();
      let status: number;
      let text: string;
      let retryAfter: string | undefined;
      let replayed = false;
      try {
        const res = await request(`${baseUrl}${API_PREFIX}${path}`, {
          method,
          headers,
          body: payload,
          dispatcher: this.dispatcher,
          signal: AbortSignal.timeout(timeoutMs),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        status = res.statusCode;
        text = await res.body.text();
        retryAfter = headerValue(res.headers['retry-after']);
        replayed = headerValue(res.headers['idempotent-replay']) === 'true';
      } catch (err) {
        const message = describeTransportError(err, timeoutMs);
        logger.warn({ method, path, attempt, err: message }, 'mintoffice request failed');
        lastFailure = { kind: 'unreachable', message };
        continue;
      }
      const ms = Math.round(performance.now() - started);
      logger.debug({ method, path, status, ms, attempt }, 'mintoffice request');

      if (status >= 200 && status < 300) {
        const parsed = schema.safeParse(safeJson(text));
        if (parsed.success) return { ok: true, value: parsed.data, replayed };
        logger.error({ method, path, status, issue: parsed.error.issues[0]?.message }, 'mintoffice response does not match the contract');
        return { ok: false, error: { kind: 'invalid_response', status, message: 'The API answered in an unexpected format.' } };
      }

      const envelope = ApiErrorBody.safeParse(safeJson(text));
      if (status === 429) {
        const seconds = retryAfterSeconds(retryAfter);
        lastFailure = { kind: 'rate_limited', retryAfterSeconds: seconds, message: 'The API is rate limiting us.' };
        if (seconds > this.maxRetryAfterSeconds || attempt === retries) return { ok: false, error: lastFailure };
        await sleep(seconds * 1000);
        waitedOut = true; // Retry-After was the wait: no backoff on top
        continue;
      }
      if (RETRYABLE_STATUS.has(status)) {
        lastFailure = envelope.success
          ? failureFromEnvelope(status, envelope.data)
          : { kind: 'unreachable', message: `The API answered ${status}.` };
        continue;
      }
      if (!envelope.success) {
        return { ok: false, error: { kind: 'invalid_response', status, message: `The API answered ${status} without an error body.` } };
      }
      return { ok: false, error: failureFromEnvelope(status, envelope.data) };
    }
    return { ok: false, error: lastFailure };
  }
}

/** `GET /orders/42?x=1` → `GET /orders/{id}`: a bounded label set for metrics, no ids or queries. */
function endpointOf(method: string, path: string): string {
  const template = path.split('?')[0]!.replace(/\/(?!(?:orders|renew|settings|partner|revenue|dns|records)(?:\/|$))[^/]+/g, '/{id}');
  return `${method} ${template}`;
}

function failureFromEnvelope(status: number, body: ApiErrorBody): ApiFailure {
  const { code, message, request_id } = body.error;
  const requestId = request_id ?? null;
  if (status === 401 || code === 'partner_not_live') return { kind: 'credentials', status, code, message, requestId };
  return {
    kind: 'rejected',
    status,
    code,
    message,
    requestId,
    ...(body.deploys_used !== undefined ? { deploysUsed: body.deploys_used } : {}),
    ...(body.deploy_quota !== undefined ? { deployQuota: body.deploy_quota } : {}),
  };
}

function queryString(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3); missing or unreadable means 1 s. */
function retryAfterSeconds(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 1;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? 1 : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeTransportError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string };
  if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  return e.code ?? e.name ?? 'transport error';
}
