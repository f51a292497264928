import type { EventType } from '../../contract/index.js';
import type { StubContext } from '../context.js';
import { ApiError, validationError } from './api-error.js';

type Ctx = Pick<StubContext, 'store' | 'clock' | 'events'>;

/** Queues the event again (same id and bytes); returns the new delivery's id. */
export function resendDelivery({ store, clock, events }: Ctx, eventId: string): number {
  const original = store.deliveries.byEventId(eventId);
  if (!original) throw new ApiError('not_found', `no delivery with event id ${eventId}`);
  return store.transaction(() => events.resend(original, clock.now()));
}

/**
 * Fires any event for an order as it is now, like `stripe trigger`: the order does not change.
 * agent.failed carries a sample `error`. Returns the new delivery's id.
 */
export function fireEvent({ store, clock, events }: Ctx, orderId: number, type: EventType): number {
  return store.transaction(() => {
    const order = store.orders.byId(orderId);
    if (!order) throw new ApiError('not_found', `order ${orderId} does not exist`);
    if (!events.urlFor(order)) {
      throw validationError(`order_id: order ${orderId} has no webhook_url and STUB_WEBHOOK_URL is not set, so there is nowhere to send it`);
    }
    const extra = type === 'agent.failed' ? { error: { step: 'provision_server', message: 'fired by POST /_stub/events' } } : {};
    return events.emit(order, type, clock.now(), extra)!;
  });
}
