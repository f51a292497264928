import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { type Receiver, type TestStub, useStubAndReceiver } from '../support/stub.js';
import { control, createOrder, getOrder, pay } from './helpers.js';

let stub: TestStub;
let receiver: Receiver;
const rig = useStubAndReceiver();
const setup = async () => ({ stub, receiver } = await rig.setup());

/** A browser-like client: keeps the session cookie, reads the CSRF token from the page. */
async function signedIn() {
  const browser = request.agent(stub.url);
  const res = await browser.post('/_stub/sign-in').type('form').send({ api_key: stub.apiKey() });
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe('/_stub');
  const page = await browser.get('/_stub');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  expect(csrf).toBeDefined();
  return { browser, csrf: csrf!, page };
}

describe('the /_stub dashboard', () => {
  it('when not signed in, then it shows only a sign-in form, and a wrong key is refused with 401', async () => {
    await setup();
    await createOrder(stub, { external_id: 'hidden-from-strangers' });
    const res = await request(stub.url).get('/_stub');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('name="api_key"');
    expect(res.text).not.toContain('hidden-from-strangers');
    const wrong = await request(stub.url).post('/_stub/sign-in').type('form').send({ api_key: 'mo_test_not_the_key_000000000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('not the current API key');
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('when signed in with the key, then the session cookie is HttpOnly, SameSite=Strict and scoped to /_stub', async () => {
    await setup();
    const res = await request(stub.url).post('/_stub/sign-in').type('form').send({ api_key: stub.apiKey() });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^stub_dashboard=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/_stub/);
  });

  it('when an order was paid, then the page shows the order and each delivery with payload, headers and attempts, without any script', async () => {
    await setup();
    const order = await createOrder(stub, { external_id: '<script>alert(1)</script>' });
    await pay(stub, order);
    await receiver.waitFor(4);
    await stub.idle();
    const { page } = await signedIn();
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(page.text).not.toMatch(/<script/i);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).toContain(`#${order.id}`);
    for (const req of receiver.requests) {
      expect(page.text).toContain(req.headers['x-mintbot-event-id'] as string);
      expect(page.text).toContain(req.headers['x-mintbot-signature'] as string);
    }
    expect(page.text).toContain('mintbot-webhook/1.0');
    expect(page.text).toContain('&quot;status&quot;: &quot;deployed&quot;');
    expect(page.text).toMatch(/<td>200<\/td><td>\d+ ms<\/td>/);
  });

  it('when Resend is pressed, then the event arrives once more with the same event id', async () => {
    await setup();
    await createOrder(stub);
    const [first] = await receiver.waitFor(1);
    const eventId = first!.headers['x-mintbot-event-id'] as string;
    const { browser, csrf } = await signedIn();
    const res = await browser.post('/_stub/ui/resend').type('form').send({ _csrf: csrf, event_id: eventId });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/_stub?done=resent');
    const [, again] = await receiver.waitFor(2);
    expect(again!.headers['x-mintbot-event-id']).toBe(eventId);
    expect(again!.rawBody.equals(first!.rawBody)).toBe(true);
    expect((await browser.get('/_stub?done=resent')).text).toContain('Delivery queued again with the same event id.');
  });

  it('when the clock, faults and event forms are used, then each acts like its JSON endpoint', async () => {
    await setup();
    const order = await createOrder(stub);
    const { browser, csrf } = await signedIn();
    expect((await browser.post('/_stub/ui/clock').type('form').send({ _csrf: csrf, advance_seconds: '86400' })).status).toBe(303);
    expect((await getOrder(stub, order.id)).status).toBe('expired');
    expect((await browser.post('/_stub/ui/faults').type('form').send({ _csrf: csrf, payment_gateway_error: '2', dns_provider_error: '' })).status).toBe(303);
    expect((await control(stub, 'get', '/faults')).body).toEqual({ payment_gateway_error: 2, dns_provider_error: 0 });
    expect((await browser.post('/_stub/ui/events').type('form').send({ _csrf: csrf, order_id: String(order.id), type: 'agent.ready' })).status).toBe(303);
    await receiver.waitFor(3);
    expect(receiver.requests.map((req) => req.headers['x-mintbot-event-type'])).toEqual(['order.created', 'order.cancelled', 'agent.ready']);
  });

  it('when a form value is wrong, then the dashboard says what, with 422 or 404, and changes nothing', async () => {
    await setup();
    const { browser, csrf } = await signedIn();
    const clock = await browser.post('/_stub/ui/clock').type('form').send({ _csrf: csrf, advance_seconds: 'soon' });
    expect(clock.status).toBe(422);
    expect(clock.text).toContain('advance_seconds: must be a whole number');
    expect((await control(stub, 'get', '/clock')).body.offset_seconds).toBe(0);
    const event = await browser.post('/_stub/ui/events').type('form').send({ _csrf: csrf, order_id: '77', type: 'order.paid' });
    expect(event.status).toBe(404);
    expect(event.text).toContain('order 77 does not exist');
  });

  it('when a POST lacks the CSRF token or the session, then 403 and nothing happens', async () => {
    await setup();
    await createOrder(stub);
    const { browser } = await signedIn();
    expect((await browser.post('/_stub/ui/reset').type('form').send({})).status).toBe(403);
    expect((await browser.post('/_stub/ui/reset').type('form').send({ _csrf: 'forged' })).status).toBe(403);
    const { csrf } = await signedIn();
    expect((await request(stub.url).post('/_stub/ui/reset').type('form').send({ _csrf: csrf })).status).toBe(403);
    expect((await control(stub, 'get', '/deliveries')).body.items).toHaveLength(1);
  });

  it('when Reset is pressed with the token, then the stub starts clean', async () => {
    await setup();
    await createOrder(stub);
    const { browser, csrf } = await signedIn();
    const res = await browser.post('/_stub/ui/reset').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    expect((await browser.get(res.headers.location!)).text).toContain('No orders yet.');
  });

  it('when the key is rotated or the user signs out, then the session ends', async () => {
    await setup();
    const { browser, csrf } = await signedIn();
    expect((await browser.post('/_stub/sign-out').type('form').send({ _csrf: csrf })).status).toBe(303);
    expect((await browser.get('/_stub')).text).toContain('name="api_key"');
    const second = await signedIn();
    await control(stub, 'post', '/rotate-key');
    expect((await second.browser.get('/_stub')).text).toContain('name="api_key"');
  });
});
