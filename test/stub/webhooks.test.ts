import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { verify, WebhookPayload } from '../../src/contract/index.js';
import { startReceiver, startTestStub, type Receiver, type ReceivedRequest, type TestStub } from '../support/stub.js';
import { bearer, cancel, control, createOrder, getOrder, pay } from './helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function setup(options: { receiverStatus?: number; stub?: Parameters<typeof startTestStub>[0] } = {}) {
  const receiver = await startReceiver({ status: options.receiverStatus ?? 200 });
  cleanup.push(() => receiver.close());
  const stub = await startTestStub({ webhookUrl: receiver.url, ...options.stub });
  cleanup.push(() => stub.close());
  return { receiver, stub };
}

const eventType = (req: ReceivedRequest) => req.headers['x-mintbot-event-type'];

async function deliveries(stub: TestStub) {
  return (await control(stub, 'get', '/deliveries')).body.items as {
    event_id: string;
    event_type: string;
    order_id: number;
    url: string;
    state: string;
    attempts: number;
    last_status: number | null;
    next_attempt_at: string | null;
  }[];
}

describe('webhook delivery', () => {
  it('when an order is created and paid on the fake checkout, then order.created, order.paid, agent.provisioning_started, agent.ready arrive in order, signed', async () => {
    const { receiver, stub } = await setup();
    const order = await createOrder(stub, { external_id: 'ref-42' });
    expect((await pay(stub, order)).status).toBe(303);
    const received = await receiver.waitFor(4);
    expect(received.map(eventType)).toEqual(['order.created', 'order.paid', 'agent.provisioning_started', 'agent.ready']);

    for (const req of received) {
      expect(req.method).toBe('POST');
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['user-agent']).toBe('mintbot-webhook/1.0');
      expect(verify(stub.webhookSecret, req.rawBody, req.headers['x-mintbot-signature'] as string)).toMatchObject({ ok: true });
      expect(verify('whsec_wrong', req.rawBody, req.headers['x-mintbot-signature'] as string)).toEqual({ ok: false, reason: 'mismatch' });
      expect(req.headers['x-mintbot-event-id']).toMatch(new RegExp(`^evt_${order.id}_${eventType(req)}_\\d{13}$`));
      const payload = WebhookPayload.strict().parse(req.json);
      expect(payload).toMatchObject({ id: order.id, external_id: 'ref-42' });
    }
    const [created, paid, started, ready] = received.map((req) => WebhookPayload.parse(req.json));
    expect(created!.status).toBe('awaiting_payment');
    expect(paid!.status).toBe('completed');
    expect(paid!.paid_at).not.toBeNull();
    expect(started!.status).toBe('completed');
    expect(ready).toEqual(await getOrder(stub, order.id));
    expect(ready!.status).toBe('deployed');
    expect(ready!.panel_url).toMatch(/^https:\/\/agent\d+\.example\.com\/panel$/);
    expect(ready!.expires_at).not.toBeNull();

    const rows = await deliveries(stub);
    expect(rows.map((row) => row.event_type)).toEqual(['agent.ready', 'agent.provisioning_started', 'order.paid', 'order.created']);
    expect(rows[0]).toEqual({
      event_id: received[3]!.headers['x-mintbot-event-id'],
      event_type: 'agent.ready',
      order_id: order.id,
      url: receiver.url,
      state: 'delivered',
      attempts: 1,
      last_status: 200,
      next_attempt_at: null,
    });
  });

  it('when the deploy fails, then agent.failed carries error {step, message}', async () => {
    const { receiver, stub } = await setup();
    const order = await createOrder(stub);
    await pay(stub, order, '4000 0000 0000 0341');
    const received = await receiver.waitFor(4);
    expect(received.map(eventType)).toEqual(['order.created', 'order.paid', 'agent.provisioning_started', 'agent.failed']);
    const failed = WebhookPayload.parse(received[3]!.json);
    expect(failed.status).toBe('deploy_failed');
    expect(failed.error).toEqual({ step: expect.any(String), message: expect.any(String) });
  });

  it('when the order is cancelled on the checkout, then order.cancelled is sent', async () => {
    const { receiver, stub } = await setup();
    const order = await createOrder(stub);
    await cancel(stub, order);
    const received = await receiver.waitFor(2);
    expect(received.map(eventType)).toEqual(['order.created', 'order.cancelled']);
    expect(WebhookPayload.parse(received[1]!.json).status).toBe('expired');
  });

  it('when an order has its own webhook_url, then it overrides STUB_WEBHOOK_URL', async () => {
    const { receiver, stub } = await setup();
    const own = await startReceiver();
    cleanup.push(() => own.close());
    await createOrder(stub, { webhook_url: own.url });
    await own.waitFor(1);
    await stub.idle();
    expect(receiver.requests).toHaveLength(0);
    expect((await deliveries(stub))[0]!.url).toBe(own.url);
  });

  it('when no webhook URL is configured anywhere, then no delivery is recorded', async () => {
    const stub = await startTestStub();
    cleanup.push(() => stub.close());
    const order = await createOrder(stub);
    await pay(stub, order);
    await stub.idle();
    expect(await deliveries(stub)).toEqual([]);
    expect((await getOrder(stub, order.id)).status).toBe('deployed');
  });

  it('when the receiver keeps failing, then attempts follow STUB_RETRY_SCHEDULE (7 attempts) and the delivery ends exhausted', async () => {
    const { receiver, stub } = await setup({ receiverStatus: 500, stub: { retrySchedule: [0, 30, 120, 600, 3600, 21600, 86400] } });
    await createOrder(stub);
    await receiver.waitFor(1);
    await stub.idle();
    // The schedule spans more than a day, so the unpaid order also expires on the way (order.cancelled).
    const attemptsOfCreated = () => receiver.requests.filter((req) => eventType(req) === 'order.created');
    const createdRow = async () => (await deliveries(stub)).find((row) => row.event_type === 'order.created')!;
    const waits = [30, 120, 600, 3600, 21600, 86400];
    for (const [index, wait] of waits.entries()) {
      expect(await createdRow()).toMatchObject({ state: 'pending', attempts: index + 1, last_status: 500 });
      // Just before the wait is over nothing is sent; at the wait it is.
      await stub.clock.advance(wait - 1);
      expect(attemptsOfCreated()).toHaveLength(index + 1);
      await stub.clock.advance(1);
      expect(attemptsOfCreated()).toHaveLength(index + 2);
    }
    expect(await createdRow()).toMatchObject({ state: 'exhausted', attempts: 7, last_status: 500, next_attempt_at: null });
    await stub.clock.advance(7 * 86400);
    const attempts = attemptsOfCreated();
    expect(attempts).toHaveLength(7);
    // Every retry reuses the event id and the frozen payload, with a fresh signature.
    expect(new Set(attempts.map((req) => req.headers['x-mintbot-event-id'])).size).toBe(1);
    expect(new Set(attempts.map((req) => req.rawBody.toString())).size).toBe(1);
    for (const req of attempts) {
      expect(verify(stub.webhookSecret, req.rawBody, req.headers['x-mintbot-signature'] as string).ok).toBe(true);
    }
  });

  it('when the receiver recovers, then the next retry is delivered', async () => {
    const { receiver, stub } = await setup({ receiverStatus: 503, stub: { retrySchedule: [0, 30, 120] } });
    await createOrder(stub);
    await receiver.waitFor(1);
    await stub.idle();
    receiver.setStatus(204);
    await stub.clock.advance(30);
    expect(receiver.requests).toHaveLength(2);
    expect((await deliveries(stub))[0]).toMatchObject({ state: 'delivered', attempts: 2, last_status: 204, next_attempt_at: null });
  });

  it('when the stub clock has moved days ahead, then signatures still carry real wall time', async () => {
    const { receiver, stub } = await setup();
    await stub.clock.advance(3 * 86400);
    await createOrder(stub);
    const [req] = await receiver.waitFor(1);
    const timestamp = Number(/^t=(\d+),/.exec(req!.headers['x-mintbot-signature'] as string)![1]);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(verify(stub.webhookSecret, req!.rawBody, req!.headers['x-mintbot-signature'] as string).ok).toBe(true);
  });

  it('when the stub restarts with deliveries pending, then nothing is lost and retries resume', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'stub-restart-')), 'stub.db');
    const receiver = await startReceiver();
    const port = receiver.port;
    await receiver.close(); // the receiver is down
    const config = { dbPath, webhookUrl: `http://127.0.0.1:${port}/webhook`, webhookSecret: 'whsec_restart_test_secret', retrySchedule: [0, 60, 60] };

    const first = await startTestStub(config);
    const order = await createOrder(first);
    await first.idle();
    expect((await deliveries(first))[0]).toMatchObject({ event_type: 'order.created', state: 'pending', attempts: 1, last_status: null });
    await first.close();

    const up: Receiver = await startReceiver({ port });
    cleanup.push(() => up.close());
    const second = await startTestStub(config);
    cleanup.push(() => second.close());
    await second.clock.advance(60);
    const [req] = await up.waitFor(1);
    expect(req!.headers['x-mintbot-event-type']).toBe('order.created');
    expect(WebhookPayload.parse(req!.json).id).toBe(order.id);
    expect(verify('whsec_restart_test_secret', req!.rawBody, req!.headers['x-mintbot-signature'] as string).ok).toBe(true);
    expect((await deliveries(second))[0]).toMatchObject({ state: 'delivered', attempts: 2, last_status: 200 });
  });

  it('when a renewal is created and paid, then order.created and order.paid fire for it and agent.ready again for the original', async () => {
    const { receiver, stub } = await setup();
    const original = await createOrder(stub);
    await pay(stub, original);
    await receiver.waitFor(4);
    const renewal = await request(stub.url)
      .post(`/api/v1/orders/${original.id}/renew`)
      .set(bearer(stub))
      .set('Idempotency-Key', randomUUID())
      .send({ duration_months: 1, success_url: 'https://a.example', cancel_url: 'https://a.example' });
    await pay(stub, renewal.body);
    const received = await receiver.waitFor(7);
    expect(received.slice(4).map((req) => [eventType(req), WebhookPayload.parse(req.json).id])).toEqual([
      ['order.created', renewal.body.id],
      ['order.paid', renewal.body.id],
      ['agent.ready', original.id],
    ]);
  });
});
