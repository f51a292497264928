import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MintOfficeClient } from '../../../src/portal/mintoffice/client.js';
import { apiError, apiOrder, apiSettings, startFakeApi, type FakeApi } from './fake-api.js';

const KEY = 'mo_test_SECRETSECRETSECRET0042';
const ORDER_BODY = {
  tier: 's1' as const,
  duration_months: 1 as const,
  success_url: 'http://127.0.0.1:8000/thank-you?ref=abc',
  cancel_url: 'http://127.0.0.1:8000/cancel?plan=s1',
};

let api: FakeApi;
let logs: string[];
let client: MintOfficeClient;

function makeClient(options: Partial<ConstructorParameters<typeof MintOfficeClient>[0]> = {}): MintOfficeClient {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  return new MintOfficeClient({
    baseUrl: api.url,
    apiKey: KEY,
    timeoutMs: 2_000,
    retries: 2,
    backoffMs: 5,
    maxBackoffMs: 20,
    logger: pino({ level: 'trace' }, sink),
    ...options,
  });
}

beforeEach(async () => {
  api = await startFakeApi();
  logs = [];
  client = makeClient();
});

afterEach(async () => {
  await client.close();
  await api.close();
});

const keysOf = (a: FakeApi) => a.requests.map((r) => r.headers['idempotency-key']);

describe('MintOffice client against a failing API', () => {
  it('when the API answers 503 and then 201, then the order is created on the retry with the same Idempotency-Key and body', async () => {
    api.script({ status: 503, body: { oops: true } }, { status: 201, body: apiOrder() });
    const result = await client.createOrder(ORDER_BODY, 'key-503-then-201');
    expect(result).toMatchObject({ ok: true, value: { id: 42, checkout_url: expect.stringContaining('checkout') } });
    expect(api.requests).toHaveLength(2);
    expect(keysOf(api)).toEqual(['key-503-then-201', 'key-503-then-201']);
    expect(api.requests[0]!.body).toBe(api.requests[1]!.body);
    expect(api.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('when the connection is dropped, then the POST is retried with the same Idempotency-Key', async () => {
    api.script({ drop: true }, { drop: true }, { status: 201, body: apiOrder() });
    const result = await client.createOrder(ORDER_BODY, 'key-dropped');
    expect(result.ok).toBe(true);
    expect(keysOf(api)).toEqual(['key-dropped', 'key-dropped', 'key-dropped']);
  });

  it('when an answer is slower than MINTOFFICE_TIMEOUT_SECONDS, then that attempt is abandoned and retried with the same key', async () => {
    client = makeClient({ timeoutMs: 200 });
    api.script({ delayMs: 1_500, status: 201, body: apiOrder({ id: 1 }) }, { status: 201, body: apiOrder({ id: 2 }) });
    const started = performance.now();
    const result = await client.createOrder(ORDER_BODY, 'key-slow');
    expect(result).toMatchObject({ ok: true, value: { id: 2 } });
    expect(performance.now() - started).toBeLessThan(1_400);
    expect(keysOf(api)).toEqual(['key-slow', 'key-slow']);
  });

  it('when the API never answers, then the caller gets "unreachable" naming the timeout after every retry', async () => {
    client = makeClient({ timeoutMs: 150, retries: 1 });
    api.script({ hang: true }, { hang: true });
    const result = await client.createOrder(ORDER_BODY, 'key-hang');
    expect(result).toEqual({ ok: false, error: { kind: 'unreachable', message: 'no answer within 0.15 s' } });
    expect(keysOf(api)).toEqual(['key-hang', 'key-hang']);
  });

  it('when every attempt fails with 502/503/504, then it stops after MINTOFFICE_RETRIES retries', async () => {
    api.script({ status: 502, raw: 'bad gateway' }, { status: 504, raw: '' }, { status: 503, raw: 'busy' }, { status: 201, body: apiOrder() });
    const result = await client.createOrder(ORDER_BODY, 'key-5xx');
    expect(result).toEqual({ ok: false, error: { kind: 'unreachable', message: 'The API answered 503.' } });
    expect(api.requests).toHaveLength(3);
    expect(new Set(keysOf(api))).toEqual(new Set(['key-5xx']));
  });

  it('when the API answers 429 with a short Retry-After, then it waits that long and retries with the same key', async () => {
    api.script({ status: 429, body: apiError('rate_limited', 'slow down'), headers: { 'retry-after': '1' } }, { status: 201, body: apiOrder() });
    const started = performance.now();
    const result = await client.createOrder(ORDER_BODY, 'key-429');
    expect(result.ok).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(keysOf(api)).toEqual(['key-429', 'key-429']);
  });

  it('when the API answers 429 with a long Retry-After, then the caller is told how long to wait instead of being held', async () => {
    api.script({ status: 429, body: apiError('rate_limited', 'slow down'), headers: { 'retry-after': '30' } });
    const result = await client.createOrder(ORDER_BODY, 'key-429-long');
    expect(result).toEqual({ ok: false, error: { kind: 'rate_limited', retryAfterSeconds: 30, message: 'The API is rate limiting us.' } });
    expect(api.requests).toHaveLength(1);
  });

  it('when Retry-After is an HTTP date, then it is read as a date, not as one second', async () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    api.script({ status: 429, body: apiError('rate_limited', 'slow down'), headers: { 'retry-after': inAMinute } });
    const result = await client.createOrder(ORDER_BODY, 'key-429-date');
    expect(result.ok).toBe(false);
    if (result.ok || result.error.kind !== 'rate_limited') throw new Error('expected rate_limited');
    expect(result.error.retryAfterSeconds).toBeGreaterThanOrEqual(58);
    expect(api.requests).toHaveLength(1);
  });

  it('when a 2xx body is not JSON, then the caller gets invalid_response and nothing is retried', async () => {
    api.script({ status: 201, raw: '<html>proxy login</html>' });
    const result = await client.createOrder(ORDER_BODY, 'key-html');
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_response', status: 201 } });
    expect(api.requests).toHaveLength(1);
  });

  it('when a 2xx body does not match the contract, then the caller gets invalid_response', async () => {
    api.script({ status: 200, body: { ...apiOrder(), status: 'teleported' } });
    const result = await client.getOrder(42);
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_response' } });
  });

  it('when an error answer has no error envelope, then the caller gets invalid_response with the status', async () => {
    api.script({ status: 418, raw: 'teapot' });
    const result = await client.getSettings();
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_response', status: 418 } });
  });

  it('when the key is refused (401) or the partner is not live (403), then the failure is "credentials" and not retried', async () => {
    api.script({ status: 401, body: apiError('invalid_api_key', 'API key is unknown or revoked.') });
    expect(await client.createOrder(ORDER_BODY, 'k1')).toMatchObject({ ok: false, error: { kind: 'credentials', code: 'invalid_api_key', requestId: 'req_fake' } });
    api.script({ status: 403, body: apiError('partner_not_live', 'onboarding') });
    expect(await client.createOrder(ORDER_BODY, 'k2')).toMatchObject({ ok: false, error: { kind: 'credentials', code: 'partner_not_live' } });
    expect(api.requests).toHaveLength(2);
  });

  it('when the quota is used up, then the rejection carries deploys_used and deploy_quota', async () => {
    api.script({ status: 422, body: apiError('quota_exceeded', 'every deploy slot is in use', { deploys_used: 10, deploy_quota: 10 }) });
    expect(await client.createOrder(ORDER_BODY, 'k-quota')).toEqual({
      ok: false,
      error: { kind: 'rejected', status: 422, code: 'quota_exceeded', message: 'every deploy slot is in use', requestId: 'req_fake', deploysUsed: 10, deployQuota: 10 },
    });
  });

  it('when the payment gateway fails (502 with an envelope) on every attempt, then the caller gets the API rejection', async () => {
    api.fallback = () => ({ status: 502, body: apiError('payment_gateway_error', 'Stripe rejected the Checkout session creation') });
    const result = await client.createOrder(ORDER_BODY, 'k-gw');
    expect(result).toMatchObject({ ok: false, error: { kind: 'rejected', code: 'payment_gateway_error' } });
    expect(keysOf(api)).toEqual(['k-gw', 'k-gw', 'k-gw']);
  });

  it('when a replayed answer is marked Idempotent-Replay, then the result says so', async () => {
    api.script({ status: 201, body: apiOrder(), headers: { 'idempotent-replay': 'true' } });
    expect(await client.createOrder(ORDER_BODY, 'k-replay')).toMatchObject({ ok: true, replayed: true });
  });

  it('when no API key is configured, then nothing is sent and the failure says which variable is missing', async () => {
    client = makeClient({ apiKey: undefined });
    expect(await client.getSettings()).toEqual({ ok: false, error: { kind: 'not_configured', message: 'MINTOFFICE_API_KEY is not set' } });
    expect(api.requests).toHaveLength(0);
  });

  it('when reading (GET), then no Idempotency-Key is sent; when writing without one, then a fresh key is generated', async () => {
    api.script({ status: 200, body: apiSettings() }, { status: 201, body: apiOrder() });
    expect((await client.getSettings()).ok).toBe(true);
    expect((await client.createOrder(ORDER_BODY)).ok).toBe(true);
    expect(api.requests[0]!.headers['idempotency-key']).toBeUndefined();
    expect(api.requests[1]!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when calls fail in every way, then the API key never appears in the logs', async () => {
    client = makeClient({ timeoutMs: 150, retries: 1 });
    api.script(
      { drop: true },
      { status: 503, raw: `echo ${KEY}` },
      { hang: true },
      { hang: true },
      { status: 201, raw: 'not json' },
      { status: 401, body: apiError('invalid_api_key', 'nope') },
    );
    await client.createOrder(ORDER_BODY, 'k-log-1');
    await client.getOrder(1);
    await client.getSettings();
    await client.getPartner();
    expect(logs.length).toBeGreaterThan(3);
    expect(logs.join('\n')).not.toContain(KEY);
    expect(logs.join('\n')).not.toContain('SECRETSECRET');
  });
});
