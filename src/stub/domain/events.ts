import { eventId, type DeployError, type EventType } from '../../contract/index.js';
import type { StubStore } from '../store/index.js';
import type { DeliveryRow } from '../store/deliveries.js';
import type { OrderRow } from '../store/orders.js';
import { presentOrder } from './present.js';

export interface WebhookEventsOptions {
  store: StubStore;
  publicUrl: string;
  /** STUB_WEBHOOK_URL; an order's own webhook_url overrides it. */
  partnerWebhookUrl: string | null;
  retrySchedule: readonly number[];
  /**
   * Called on every event, delivered or not: an event means the order changed, which may bring
   * new due work (a deploy to finish) as well as a queued delivery. The scheduler wakes up.
   */
  onEvent: () => void;
}

/**
 * Records a lifecycle event as a queued delivery, in the caller's transaction. The payload is
 * frozen now (the order as GET /orders/{id} shows it at event time); attempts only sign and send.
 */
export class WebhookEvents {
  constructor(private readonly options: WebhookEventsOptions) {}

  /** Queues the event for the order's webhook URL; returns the delivery id, or null when no URL is set. */
  emit(order: OrderRow, type: EventType, at: number, extra: { error?: DeployError } = {}): number | null {
    this.options.onEvent();
    const url = this.urlFor(order);
    if (!url) return null;
    return this.options.store.deliveries.enqueue({
      event_id: eventId(order.id, type, at),
      event_type: type,
      order_id: order.id,
      url,
      payload: JSON.stringify({ ...presentOrder(order, this.options.publicUrl), ...extra }),
      created_at: at,
      next_attempt_at: at + this.options.retrySchedule[0]! * 1000,
    });
  }

  /** Where the order's events go: its own webhook_url, else STUB_WEBHOOK_URL. */
  urlFor(order: Pick<OrderRow, 'webhook_url'>): string | null {
    return order.webhook_url ?? this.options.partnerWebhookUrl;
  }

  /**
   * Sends an event again (`POST /_stub/deliveries/{id}/resend`): a new delivery with the same
   * event id, URL and payload bytes, due now, with a fresh retry schedule.
   */
  resend(original: DeliveryRow, at: number): number {
    this.options.onEvent();
    return this.options.store.deliveries.enqueue({
      event_id: original.event_id,
      event_type: original.event_type,
      order_id: original.order_id,
      url: original.url,
      payload: original.payload,
      created_at: at,
      next_attempt_at: at,
    });
  }
}
