import { eventId, type DeployError, type EventType } from '../../contract/index.js';
import type { StubStore } from '../store/index.js';
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

  emit(order: OrderRow, type: EventType, at: number, extra: { error?: DeployError } = {}): void {
    this.options.onEvent();
    const url = order.webhook_url ?? this.options.partnerWebhookUrl;
    if (!url) return;
    this.options.store.deliveries.enqueue({
      event_id: eventId(order.id, type, at),
      event_type: type,
      order_id: order.id,
      url,
      payload: JSON.stringify({ ...presentOrder(order, this.options.publicUrl), ...extra }),
      created_at: at,
      next_attempt_at: at + this.options.retrySchedule[0]! * 1000,
    });
  }
}
