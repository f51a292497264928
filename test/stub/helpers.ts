import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Order } from '../../src/contract/index.js';
import type { RunningStub } from '../../src/stub/index.js';

export const bearer = (stub: RunningStub) => ({ Authorization: `Bearer ${stub.apiKey()}` });

export function orderBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tier: 's1',
    duration_months: 1,
    credit_usd: 10,
    success_url: 'https://shop.example/thanks?id={ORDER_ID}',
    cancel_url: 'https://shop.example/cart?id={ORDER_ID}',
    ...overrides,
  };
}

/** POST /api/v1/orders over real HTTP. */
export function postOrder(stub: RunningStub, body: unknown = orderBody(), key: string = randomUUID()) {
  return request(stub.url).post('/api/v1/orders').set(bearer(stub)).set('Idempotency-Key', key).send(body as object);
}

/** Creates an order and returns its body, failing loudly if the stub refused. */
export async function createOrder(stub: RunningStub, overrides: Record<string, unknown> = {}): Promise<Order> {
  const res = await postOrder(stub, orderBody(overrides));
  if (res.status !== 201) throw new Error(`create order: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Order;
}

export const sessionPath = (order: Order) => new URL(order.checkout_url!).pathname;

/** Submits the fake checkout's Pay form. */
export function pay(stub: RunningStub, order: Order, cardNumber = '4242 4242 4242 4242') {
  return request(stub.url).post(`${sessionPath(order)}/pay`).type('form').send({ card_number: cardNumber });
}

export function cancel(stub: RunningStub, order: Order) {
  return request(stub.url).post(`${sessionPath(order)}/cancel`).type('form').send({});
}

export async function getOrder(stub: RunningStub, id: number): Promise<Order> {
  const res = await request(stub.url).get(`/api/v1/orders/${id}`).set(bearer(stub));
  if (res.status !== 200) throw new Error(`get order: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Order;
}

/** A test control call (`/_stub/*`). */
export function control(stub: RunningStub, method: 'get' | 'post', path: string, body?: object) {
  const req = request(stub.url)[method](`/_stub${path}`).set(bearer(stub));
  return body === undefined ? req : req.send(body);
}
