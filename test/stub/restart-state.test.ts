import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestStub, type TestStub } from '../support/stub.js';
import { bearer, control, createOrder, orderBody, pay, postOrder } from './helpers.js';

let dir: string;
const running: TestStub[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The same stub twice on one database file, as `npm run stub` after a restart. */
async function start(overrides: Parameters<typeof startTestStub>[0] = {}) {
  const stub = await startTestStub({ dbPath: join(dir, 'stub.db'), apiKey: 'mo_test_configured_key_0001', ...overrides });
  running.push(stub);
  return stub;
}
async function restart(stub: TestStub, overrides: Parameters<typeof startTestStub>[0] = {}) {
  await stub.close();
  running.splice(running.indexOf(stub), 1);
  return start(overrides);
}

describe('stub state across a restart', () => {
  it('when the key was rotated, then after a restart the rotated key works and the revoked one is invalid_api_key', async () => {
    dir = mkdtempSync(join(tmpdir(), 'stub-state-'));
    const first = await start();
    const rotated = (await control(first, 'post', '/rotate-key')).body.api_key as string;
    const second = await restart(first);
    expect(second.apiKey()).toBe(rotated);
    const old = await request(second.url).get('/api/v1/orders').set('Authorization', 'Bearer mo_test_configured_key_0001');
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('invalid_api_key');
    expect((await request(second.url).get('/api/v1/orders').set('Authorization', `Bearer ${rotated}`)).status).toBe(200);
    const partner = await request(second.url).get('/api/v1/partner').set(bearer(second));
    expect(partner.body.api_key_prefix).toBe(rotated.slice(0, 12));
  });

  it('when STUB_API_KEY is changed before the restart, then the new setting wins over the stored key', async () => {
    dir = mkdtempSync(join(tmpdir(), 'stub-state-'));
    const first = await start();
    await control(first, 'post', '/rotate-key');
    const second = await restart(first, { apiKey: 'mo_test_operator_new_key_02' });
    expect(second.apiKey()).toBe('mo_test_operator_new_key_02');
    expect((await request(second.url).get('/api/v1/orders').set(bearer(second))).status).toBe(200);
  });

  it('when faults were armed, then after a restart they still fire, counted down across it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'stub-state-'));
    const first = await start();
    await control(first, 'post', '/faults', { payment_gateway_error: 2 });
    expect((await postOrder(first, orderBody())).status).toBe(502);
    const second = await restart(first);
    expect((await control(second, 'get', '/faults')).body).toEqual({ payment_gateway_error: 1, dns_provider_error: 0 });
    expect((await postOrder(second, orderBody())).status).toBe(502);
    expect((await postOrder(second, orderBody())).status).toBe(201);
  });

  it('when revenue was paid out, then after a restart it stays paid out', async () => {
    dir = mkdtempSync(join(tmpdir(), 'stub-state-'));
    const first = await start();
    await pay(first, await createOrder(first));
    const payout = (await control(first, 'post', '/payouts')).body;
    const second = await restart(first);
    const revenue = (await request(second.url).get('/api/v1/revenue').set(bearer(second))).body;
    expect(revenue.unpaid_cents).toBe(0);
    expect(revenue.events[0]).toMatchObject({ payout_id: payout.payout_id, payout_at: payout.payout_at });
    expect((await control(second, 'post', '/payouts')).body).toMatchObject({ payout_id: null, events_paid: 0 });
  });
});
