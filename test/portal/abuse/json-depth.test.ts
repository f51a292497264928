import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../../../src/contract/index.js';
import { createTestPortal, type TestPortal } from '../../support/portal.js';
import { startTestStub, type TestStub } from '../../support/stub.js';
import { bearer, orderBody } from '../../stub/helpers.js';
import { sendEvent } from '../webhooks/send.js';
import { countRows } from '../../support/database.js';

/** `{"a":{"a":…{"a":1}…}}` nested `depth` levels, as text (building it as an object would recurse). */
function nested(depth: number, leaf = '1'): string {
  return '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
}

/** POST /orders with a valid order body plus `extra` (raw JSON members) sent as it is written. */
function postRawOrder(stub: TestStub, extra: string) {
  const fields = JSON.stringify(orderBody()).slice(1, -1);
  return request(stub.url).post('/api/v1/orders').set(bearer(stub)).set('Idempotency-Key', randomUUID()).set('Content-Type', 'application/json').send(`{${fields},${extra}}`);
}

let stub: TestStub | undefined;
let portal: TestPortal | undefined;
afterEach(async () => {
  await stub?.close();
  await portal?.close();
  stub = undefined;
  portal = undefined;
});

describe('deeply nested JSON never reaches code that recurses', () => {
  it('when the stub is sent an order body nested 5,000 levels deep, then it answers 422 validation_error and creates nothing', async () => {
    stub = await startTestStub();
    const res = await postRawOrder(stub, `"metadata":${nested(5_000)}`);
    expect(res.status).toBe(422);
    const body = ApiErrorBody.parse(res.body);
    expect(body.error.code).toBe('validation_error');
    expect(body.error.message).toMatch(/nested more than 100 levels/);
    const list = await request(stub.url).get('/api/v1/orders').set(bearer(stub));
    expect(list.body.items).toEqual([]);
  });

  it('when the stub is sent arrays nested 5,000 levels deep to a test control, then 422, not 500', async () => {
    stub = await startTestStub();
    const res = await request(stub.url).post('/_stub/clock').set(bearer(stub)).set('Content-Type', 'application/json').send('['.repeat(5_000) + ']'.repeat(5_000));
    expect(res.status).toBe(422);
    expect(ApiErrorBody.parse(res.body).error.code).toBe('validation_error');
  });

  it('when JSON is nested exactly 100 levels (brackets inside strings do not count), then the stub reads it as usual', async () => {
    stub = await startTestStub();
    const res = await postRawOrder(stub, `"external_id":"[[[{{{\\"[[[","metadata":${nested(98)}`);
    // Not refused for depth: whatever the schema says about metadata, the message is not the depth one.
    expect(JSON.stringify(res.body)).not.toMatch(/nested more than/);
    expect(res.status).toBeLessThan(500);
  });

  it('when the portal is sent a signed webhook nested 5,000 levels deep, then 400 names the limit and nothing is stored', async () => {
    portal = await createTestPortal();
    const res = await sendEvent(portal.handler, `{"id":1,"deep":${nested(5_000)}}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/nested more than 100 levels/);
    expect(await countRows(portal, 'webhook_events')).toBe(0);
  });

  it('when the partner inquiry API is sent JSON nested 5,000 levels deep, then a 4xx says so and nothing is stored', async () => {
    portal = await createTestPortal();
    const res = await request(portal.app).post('/api/partner').set('Accept', 'application/json').set('Content-Type', 'application/json').send(`{"name":${nested(5_000)}}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/nested more than 100 levels/);
    expect(await countRows(portal, 'inquiries')).toBe(0);
  });
});
