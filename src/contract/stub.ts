import { z } from 'zod';
import { EventType } from './webhooks.js';

/**
 * The stub's own controls (`/_stub/*`): not part of the Brand Partner API, but called by the
 * same clients in tests, so they are described here next to it (and in the OpenAPI document).
 */

export const ClockRequest = z.strictObject({
  advance_seconds: z
    .number({ error: 'must be a number of seconds' })
    .int({ error: 'must be whole seconds' })
    .min(0, { error: 'must not be negative (the stub clock only moves forward)' })
    .max(10 * 365 * 86_400, { error: 'must be at most ten years' }),
});

export const ClockState = z.object({
  now: z.string(),
  offset_seconds: z.number().int(),
});

const FaultCount = z.number({ error: 'must be a count' }).int({ error: 'must be a whole number' }).min(0).max(10_000);
export const FaultsRequest = z.strictObject({
  payment_gateway_error: FaultCount.optional(),
  dns_provider_error: FaultCount.optional(),
});
export const FaultsState = z.object({
  payment_gateway_error: z.number().int(),
  dns_provider_error: z.number().int(),
});

export const DeliveryState = z.enum(['pending', 'delivered', 'exhausted']);

export const DeliveryItem = z.object({
  event_id: z.string(),
  event_type: EventType,
  order_id: z.number().int(),
  url: z.string(),
  state: DeliveryState,
  attempts: z.number().int(),
  last_status: z.number().int().nullable(),
  next_attempt_at: z.string().nullable(),
});
export type DeliveryItem = z.infer<typeof DeliveryItem>;

export const DeliveryList = z.object({ items: z.array(DeliveryItem) });

export const DeliveryAttempt = z.object({
  at: z.string(),
  status: z.number().int().nullable(),
  latency_ms: z.number().int(),
  error: z.string().nullable(),
  signature: z.string(),
});

export const DeliveryDetail = DeliveryItem.extend({
  created_at: z.string(),
  last_error: z.string().nullable(),
  /** The headers of every attempt but X-Mintbot-Signature, which each attempt carries in its log. */
  headers: z.record(z.string(), z.string()),
  payload: z.record(z.string(), z.unknown()),
  attempt_log: z.array(DeliveryAttempt),
});
export type DeliveryDetail = z.infer<typeof DeliveryDetail>;

export const FireEventRequest = z.strictObject({
  order_id: z.number({ error: 'must be an order id' }).int({ error: 'must be an order id' }).positive({ error: 'must be an order id' }),
  type: EventType.meta({ description: 'Any of the seven event types.' }),
});

export const RotatedKey = z.object({ api_key: z.string(), key_prefix: z.string() });

export const Payout = z.object({
  payout_id: z.string().nullable(),
  payout_at: z.string(),
  events_paid: z.number().int(),
  amount_cents: z.number().int(),
});

export const ResetResult = z.object({ reset: z.literal(true) });

export const LoggedRequest = z.object({
  request_id: z.string(),
  at: z.string(),
  method: z.string(),
  path: z.string(),
  query: z.record(z.string(), z.unknown()),
  api_key_prefix: z.string().nullable(),
  idempotency_key: z.string().nullable(),
  body: z.unknown(),
  status: z.number().int(),
  error_code: z.string().nullable(),
  latency_ms: z.number().int(),
});
export type LoggedRequest = z.infer<typeof LoggedRequest>;
export const RequestLogList = z.object({ items: z.array(LoggedRequest) });
