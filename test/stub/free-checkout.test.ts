import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestStub, type TestStub } from '../support/stub.js';
import { createOrder, getOrder, pay, sessionPath } from './helpers.js';

let stub: TestStub;
beforeEach(async () => {
  stub = await startTestStub();
});
afterEach(() => stub.close());

describe('the fake checkout for a free order (a trial)', () => {
  it('when its page is opened, then it says no card is needed and offers Confirm, with no card field or test cards', async () => {
    const order = await createOrder(stub, { tier: 'trial', duration_months: 1 });
    const res = await request(stub.url).get(sessionPath(order));
    expect(res.status).toBe(200);
    expect(res.text).toContain('Free — no card needed');
    expect(res.text).toMatch(/<button class="pay" type="submit">Confirm<\/button>/);
    expect(res.text).not.toContain('name="card_number"');
    expect(res.text).not.toContain('Test cards');
    expect(res.text).toContain(`action="${sessionPath(order)}/pay"`);
  });

  it('when confirmed without a card, then 303 to success_url and the order is paid and deployed', async () => {
    const order = await createOrder(stub, { tier: 'trial', duration_months: 1 });
    const res = await request(stub.url).post(`${sessionPath(order)}/pay`).type('form').send({});
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`https://shop.example/thanks?id=${order.id}`);
    await stub.idle();
    const done = await getOrder(stub, order.id);
    expect(done.paid_at).not.toBeNull();
    expect(done.status).toBe('deployed');
  });

  it('when the declined or the deploy-fails test card is sent anyway, then neither applies: it is paid and deployed', async () => {
    const declined = await createOrder(stub, { tier: 'trial', duration_months: 1 });
    expect((await pay(stub, declined, '4000 0000 0000 0002')).status).toBe(303);
    const failing = await createOrder(stub, { tier: 'trial', duration_months: 1 });
    expect((await pay(stub, failing, '4000 0000 0000 0341')).status).toBe(303);
    await stub.idle();
    expect((await getOrder(stub, declined.id)).status).toBe('deployed');
    expect((await getOrder(stub, failing.id)).status).toBe('deployed');
  });

  it('when a paid order\'s page is opened, then it still asks for a card (unchanged)', async () => {
    const order = await createOrder(stub, { tier: 's1', duration_months: 1 });
    const res = await request(stub.url).get(sessionPath(order));
    expect(res.text).toContain('name="card_number"');
    expect(res.text).not.toContain('no card needed');
  });
});
