import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { parseApiTime, WebhookPayload } from '../../src/contract/index.js';
import type { StubConfigInput } from '../../src/stub/index.js';
import { startTestStub, type Receiver, type TestStub, useStubAndReceiver } from '../support/stub.js';
import { bearer, control, createOrder, getOrder, pay } from './helpers.js';

let stub: TestStub;
let receiver: Receiver;
const rig = useStubAndReceiver();
const setup = async (overrides: StubConfigInput = {}) => ({ stub, receiver } = await rig.setup(overrides));

const types = () => receiver.requests.map((req) => req.headers['x-mintbot-event-type']);

describe('POST /_stub/clock', () => {
  it('when advanced, then the stub clock moves forward by that many seconds', async () => {
    await setup();
    const before = stub.clock.now();
    const res = await control(stub, 'post', '/clock', { advance_seconds: 3600 });
    expect(res.status).toBe(200);
    expect(res.body.offset_seconds).toBe(3600);
    expect(parseApiTime(res.body.now) - before).toBeGreaterThanOrEqual(3600 * 1000 - 1000);
  });

  it.each([[{ advance_seconds: -1 }], [{ advance_seconds: 'soon' }], [{ advance_seconds: 1.5 }], [{}], [{ advance_seconds: 1, extra: true }]])(
    'when the body is %j, then 422 validation_error',
    async (body) => {
      await setup();
      const res = await control(stub, 'post', '/clock', body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_error');
    },
  );

  it('when an order waits 24 h unpaid, then it expires with order.cancelled (not a second earlier)', async () => {
    await setup();
    const order = await createOrder(stub);
    await control(stub, 'post', '/clock', { advance_seconds: 24 * 3600 - 5 });
    expect((await getOrder(stub, order.id)).status).toBe('awaiting_payment');
    await control(stub, 'post', '/clock', { advance_seconds: 5 });
    expect((await getOrder(stub, order.id)).status).toBe('expired');
    await receiver.waitFor(2);
    expect(types()).toEqual(['order.created', 'order.cancelled']);
  });

  it('when STUB_DEPLOY_SECONDS pass on the stub clock, then the deploy finishes with agent.ready', async () => {
    await setup({ deploySeconds: 600 });
    const order = await createOrder(stub);
    await pay(stub, order);
    await receiver.waitFor(3);
    await stub.clock.advance(599);
    expect((await getOrder(stub, order.id)).status).toBe('completed');
    await stub.clock.advance(1);
    expect((await getOrder(stub, order.id)).status).toBe('deployed');
    await receiver.waitFor(4);
    expect(types()).toEqual(['order.created', 'order.paid', 'agent.provisioning_started', 'agent.ready']);
  });

  it('when a deployed agent passes expires_at, then status expired and agent.expired fires', async () => {
    await setup();
    const order = await createOrder(stub, { tier: 'trial' });
    await pay(stub, order);
    await receiver.waitFor(4);
    await stub.clock.advance(24 * 3600);
    const expired = await getOrder(stub, order.id);
    expect(expired.status).toBe('expired');
    expect(expired.panel_url).not.toBeNull();
    const received = await receiver.waitFor(5);
    expect(received[4]!.headers['x-mintbot-event-type']).toBe('agent.expired');
    expect(WebhookPayload.parse(received[4]!.json).status).toBe('expired');
  });

  it('when the stub restarts, then the clock offset is kept', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'stub-clock-')), 'stub.db');
    const first = await startTestStub({ dbPath });
    await first.clock.advance(86400);
    await first.close();
    const second = await startTestStub({ dbPath });
    try {
      expect(second.clock.now() - Date.now()).toBeGreaterThanOrEqual(86400 * 1000 - 1000);
    } finally {
      await second.close();
    }
  });
});

describe('POST /_stub/rotate-key', () => {
  it('when the key is rotated, then the old key is invalid_api_key at once and the new one works', async () => {
    await setup();
    const oldKey = stub.apiKey();
    const res = await control(stub, 'post', '/rotate-key');
    expect(res.status).toBe(200);
    expect(res.body.api_key).toMatch(/^mo_test_[0-9a-f]{32}$/);
    expect(res.body.api_key).not.toBe(oldKey);
    expect(stub.apiKey()).toBe(res.body.api_key);
    const old = await request(stub.url).get('/api/v1/orders').set('Authorization', `Bearer ${oldKey}`);
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('invalid_api_key');
    expect((await request(stub.url).get('/api/v1/orders').set(bearer(stub))).status).toBe(200);
    const partner = await request(stub.url).get('/api/v1/partner').set(bearer(stub));
    expect(partner.body.api_key_prefix).toBe(res.body.api_key.slice(0, 12));
  });
});

describe('POST /_stub/payouts', () => {
  it('when unpaid revenue is paid out, then events get payout_id and payout_at and the unpaid balance drops to 0', async () => {
    await setup();
    for (const tier of ['s1', 's4']) await pay(stub, await createOrder(stub, { tier }));
    const before = await request(stub.url).get('/api/v1/revenue').set(bearer(stub));
    expect(before.body.unpaid_cents).toBe(1000);
    const payout = await control(stub, 'post', '/payouts');
    expect(payout.body).toMatchObject({ payout_id: expect.stringMatching(/^po_test_/), events_paid: 2, amount_cents: 1000 });
    const after = await request(stub.url).get('/api/v1/revenue').set(bearer(stub));
    expect(after.body.unpaid_cents).toBe(0);
    expect(after.body.partner_cut_cents).toBe(1000);
    for (const event of after.body.events) {
      expect(event.payout_id).toBe(payout.body.payout_id);
      expect(event.payout_at).toBe(payout.body.payout_at);
    }
    const unpaidOnly = await request(stub.url).get('/api/v1/revenue?include_paid=false').set(bearer(stub));
    expect(unpaidOnly.body.events).toEqual([]);
    expect((await control(stub, 'post', '/payouts')).body).toMatchObject({ payout_id: null, events_paid: 0, amount_cents: 0 });
  });
});

describe('POST /_stub/faults', () => {
  it('when the body is invalid, then 422 naming the field', async () => {
    await setup();
    const res = await control(stub, 'post', '/faults', { payment_gateway_error: -1 });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/^payment_gateway_error: /);
    const unknown = await control(stub, 'post', '/faults', { disk_on_fire: 1 });
    expect(unknown.status).toBe(422);
  });

  it('when faults are armed, then the answer shows what is armed', async () => {
    await setup();
    const res = await control(stub, 'post', '/faults', { dns_provider_error: 3 });
    expect(res.body).toEqual({ payment_gateway_error: 0, dns_provider_error: 3 });
  });
});

describe('GET /_stub/deliveries', () => {
  it('when there are deliveries, then items come newest first with the documented fields only', async () => {
    await setup();
    await createOrder(stub);
    await createOrder(stub);
    await receiver.waitFor(2);
    await stub.idle();
    const { items } = (await control(stub, 'get', '/deliveries')).body;
    expect(items.map((item: { order_id: number }) => item.order_id)).toEqual([2, 1]);
    expect(Object.keys(items[0]).sort()).toEqual(
      ['attempts', 'event_id', 'event_type', 'last_status', 'next_attempt_at', 'order_id', 'state', 'url'].sort(),
    );
  });
});
