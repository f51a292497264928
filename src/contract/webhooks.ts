import { z } from 'zod';
import { SubscriptionStatus } from './fields.js';
import { Order, OrderStatus } from './orders.js';

export const EVENT_TYPES = [
  'order.created',
  'order.paid',
  'order.cancelled',
  'agent.provisioning_started',
  'agent.ready',
  'agent.failed',
  'agent.expired',
] as const;
export const EventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventType>;

export const WEBHOOK_HEADERS = {
  signature: 'x-mintbot-signature',
  eventId: 'x-mintbot-event-id',
  eventType: 'x-mintbot-event-type',
} as const;

export const WEBHOOK_USER_AGENT = 'mintbot-webhook/1.0';

export const DeployError = z.object({ step: z.string(), message: z.string() });
export type DeployError = z.infer<typeof DeployError>;

/** What the stub sends: the order as `GET /orders/{id}` returns it, plus `error` on agent.failed. */
export const WebhookPayload = Order.extend({ error: DeployError.optional() });
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/**
 * What a receiver can rely on. The spec's own sample omits fields (no checkout_url, panel_url…),
 * so a receiver reads the order loosely and keeps the raw JSON as it came.
 */
export const ReceivedOrderPayload = z.looseObject({
  id: z.number().int(),
  status: OrderStatus.optional(),
  tier: z.string().optional(),
  duration_months: z.number().int().optional(),
  amount_cents: z.number().int().optional(),
  currency: z.string().optional(),
  external_id: z.string().nullable().optional(),
  panel_url: z.string().nullable().optional(),
  expires_at: z.string().nullable().optional(),
  paid_at: z.string().nullable().optional(),
  error: DeployError.nullable().optional(),
  /** Beyond the spec: on a subscription's orders (its first one and each monthly renewal). */
  subscription_id: z.number().int().optional(),
  subscription_status: SubscriptionStatus.optional(),
});
export type ReceivedOrderPayload = z.infer<typeof ReceivedOrderPayload>;

export function eventId(orderId: number, type: EventType, ms: number): string {
  return `evt_${orderId}_${type}_${ms}`;
}
