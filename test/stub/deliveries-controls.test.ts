import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DeliveryDetail, EVENT_TYPES, RequestLogList, verify, WebhookPayload } from '../../src/contract/index.js';
import { RequestLog } from '../../src/stub/http/request-log.js';
import type { StubConfigInput } from '../../src/stub/index.js';
import { startTestStub, type Receiver, type TestStub, useStubAndReceiver } from '../support/stub.js';
import { bearer, control, createOrder, getOrder, pay, postOrder, orderBody } from './helpers.js';

let stub: TestStub;
let receiver: Receiver;
const rig = useStubAndReceiver();
const setup = async (overrides: StubConfigInput = {}) => ({ stub, receiver } = await rig.setup(overrides));

const eventIds = () => receiver.requests.map((req) => req.headers['x-mintbot-event-id']);

describe('GET /_stub/deliveries/{event_id}', () => {
  it('when a delivery was attempted, then it shows payload, headers and each attempt with time, status, latency and error', async () => {
    await setup();
    const order = await createOrder(stub);
    await receiver.waitFor(1);
    await stub.idle();
    const { items } = (await control(stub, 'get', '/deliveries')).body;
    const res = await control(stub, 'get', `/deliveries/${items[0].event_id}`);
    expect(res.status).toBe(200);
    const detail = DeliveryDetail.parse(res.body);
    expect(detail).toMatchObject({ event_type: 'order.created', state: 'delivered', attempts: 1, last_error: null });
    expect(detail.payload).toEqual(WebhookPayload.parse(receiver.requests[0]!.json));
    expect(detail.payload.id).toBe(order.id);
    expect(detail.headers).toMatchObject({ 'user-agent': 'mintbot-webhook/1.0', 'x-mintbot-event-type': 'order.created', 'x-mintbot-event-id': detail.event_id });
    expect(detail.attempt_log).toEqual([{ at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/), status: 200, latency_ms: expect.any(Number), error: null, signature: receiver.requests[0]!.headers['x-mintbot-signature'] }]);
  });

  it('when the event id is unknown, then 404 not_found', async () => {
    await setup();
    const res = await control(stub, 'get', '/deliveries/evt_9_order.paid_1');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('POST /_stub/deliveries/{event_id}/resend', () => {
  it('when a delivered event is resent, then it arrives once more with the same event id and bytes, freshly signed', async () => {
    await setup();
    await createOrder(stub);
    const [first] = await receiver.waitFor(1);
    const eventId = first!.headers['x-mintbot-event-id'] as string;
    const res = await control(stub, 'post', `/deliveries/${eventId}/resend`);
    expect(res.status).toBe(202);
    expect(DeliveryDetail.parse(res.body)).toMatchObject({ event_id: eventId, state: 'pending', attempts: 0 });
    const [, again] = await receiver.waitFor(2);
    expect(again!.headers['x-mintbot-event-id']).toBe(eventId);
    expect(again!.rawBody.equals(first!.rawBody)).toBe(true);
    expect(verify(stub.webhookSecret, again!.rawBody, again!.headers['x-mintbot-signature'] as string).ok).toBe(true);
    await stub.idle();
    const { items } = (await control(stub, 'get', '/deliveries')).body;
    expect(items.filter((item: { event_id: string }) => item.event_id === eventId).map((item: { state: string }) => item.state)).toEqual(['delivered', 'delivered']);
  });

  it('when the event id is unknown, then 404 and nothing is sent', async () => {
    await setup();
    expect((await control(stub, 'post', '/deliveries/evt_1_order.paid_0/resend')).status).toBe(404);
    await stub.idle();
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('POST /_stub/events', () => {
  it('when each of the seven event types is fired for an order, then each arrives signed with the order as payload', async () => {
    await setup();
    const order = await createOrder(stub);
    await receiver.waitFor(1);
    for (const type of EVENT_TYPES) {
      const res = await control(stub, 'post', '/events', { order_id: order.id, type });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ event_type: type, order_id: order.id });
    }
    const received = await receiver.waitFor(1 + EVENT_TYPES.length);
    expect(received.slice(1).map((req) => req.headers['x-mintbot-event-type'])).toEqual([...EVENT_TYPES]);
    for (const req of received) expect(verify(stub.webhookSecret, req.rawBody, req.headers['x-mintbot-signature'] as string).ok).toBe(true);
    expect(WebhookPayload.parse(received.at(-2)!.json).error).toEqual({ step: expect.any(String), message: expect.any(String) });
    // Firing an event does not change the order.
    expect((await getOrder(stub, order.id)).status).toBe('awaiting_payment');
  });

  it.each([
    [{ order_id: 1, type: 'order.exploded' }, 422],
    [{ order_id: 'one', type: 'order.paid' }, 422],
    [{ type: 'order.paid' }, 422],
    [{ order_id: 999, type: 'order.paid' }, 404],
  ])('when the body is %j, then %i', async (body, status) => {
    await setup();
    await createOrder(stub);
    expect((await control(stub, 'post', '/events', body)).status).toBe(status);
  });

  it('when no webhook URL is set anywhere, then 422 says there is nowhere to send it', async () => {
    const alone = await startTestStub();
    try {
      const order = await createOrder(alone);
      const res = await control(alone, 'post', '/events', { order_id: order.id, type: 'order.paid' });
      expect(res.status).toBe(422);
      expect(res.body.error.message).toMatch(/^order_id: .*nowhere to send it/);
    } finally {
      await alone.close();
    }
  });
});

describe('POST /_stub/reset', () => {
  it('when reset, then orders, deliveries, revenue, DNS records, faults and the clock start clean, and the key still works', async () => {
    await setup();
    await pay(stub, await createOrder(stub));
    await receiver.waitFor(4);
    await control(stub, 'post', '/faults', { dns_provider_error: 2 });
    await control(stub, 'post', '/dns/records', { subdomain: 'www', ip: '203.0.113.1' });
    await control(stub, 'post', '/clock', { advance_seconds: 3600 });

    const res = await control(stub, 'post', '/reset');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ reset: true });
    expect((await request(stub.url).get('/api/v1/orders').set(bearer(stub))).body).toEqual({ items: [], next_cursor: null });
    expect((await control(stub, 'get', '/deliveries')).body.items).toEqual([]);
    expect((await request(stub.url).get('/api/v1/revenue').set(bearer(stub))).body).toMatchObject({ gross_cents: 0, unpaid_cents: 0, events: [] });
    expect((await request(stub.url).get('/api/v1/dns/records').set(bearer(stub))).body.items).toEqual([]);
    expect((await control(stub, 'get', '/faults')).body).toEqual({ payment_gateway_error: 0, dns_provider_error: 0 });
    expect((await control(stub, 'get', '/clock')).body.offset_seconds).toBe(0);
    const next = await createOrder(stub);
    expect(next.id).toBe(1);
    await receiver.waitFor(5);
    expect(eventIds().at(-1)).toMatch(/^evt_1_order\.created_/);
  });
});

describe('GET /_stub/requests', () => {
  it('when API requests were made, then the latest come first with status and latency, and the key never appears', async () => {
    await setup();
    await postOrder(stub, orderBody({ external_id: 'log-me' }), 'idem-key-logged-1');
    await request(stub.url).get('/api/v1/orders/999').set(bearer(stub));
    await request(stub.url).get('/api/v1/orders').set('Authorization', 'Bearer mo_test_wrong_key_000000000000');
    const res = await control(stub, 'get', '/requests');
    expect(res.status).toBe(200);
    const { items } = RequestLogList.parse(res.body);
    expect(items.slice(0, 3).map((item) => [item.method, item.path, item.status, item.error_code])).toEqual([
      ['GET', '/api/v1/orders', 401, 'invalid_api_key'],
      ['GET', '/api/v1/orders/999', 404, 'not_found'],
      ['POST', '/api/v1/orders', 201, null],
    ]);
    expect(items[2]).toMatchObject({ idempotency_key: 'idem-key-logged-1', body: { external_id: 'log-me' }, api_key_prefix: stub.apiKey().slice(0, 12) });
    for (const item of items) expect(item.latency_ms).toBeGreaterThanOrEqual(0);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(stub.apiKey());
    expect(text).not.toContain('mo_test_wrong_key_000000000000');
  });

  it('when more than 1,000 requests were logged, then only the last 1,000 are kept, newest first', () => {
    const log = new RequestLog();
    for (let i = 1; i <= 1005; i++) {
      log.add({ request_id: `r${i}`, at: '2026-01-01 00:00:00', method: 'GET', path: '/api/v1/partner', query: {}, api_key_prefix: null, idempotency_key: null, body: null, status: 200, error_code: null, latency_ms: 1 });
    }
    const items = log.latest();
    expect(items).toHaveLength(1000);
    expect([items[0]!.request_id, items.at(-1)!.request_id]).toEqual(['r1005', 'r6']);
  });
});
