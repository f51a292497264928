import type { Logger } from '../../lib/logger.js';
import type { MintOfficeClient } from '../mintoffice/client.js';
import type { OrderRow, OrderStore } from './store.js';

/**
 * A customer back from the checkout before the payment webhook: ask the API for the order right
 * away (GET /orders/{id}) instead of waiting, at most once per order per `intervalMs` however
 * often the page is loaded, so a refreshing customer cannot spend the partner's API rate limit.
 * The page never waits for the answer; it shows the change when it is stored.
 */
export class PaymentCheck {
  private readonly asked = new Map<string, number>();
  private readonly maxTracked = 10_000;

  constructor(
    private readonly api: MintOfficeClient,
    private readonly store: OrderStore,
    private readonly logger: Logger,
    private readonly intervalMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the check when this order is due one; returns the check (tests await it), or undefined. */
  askOnce(order: OrderRow, reqId: string): Promise<void> | undefined {
    if (order.status !== 'awaiting_payment' || order.api_order_id === null || !this.api.configured) return undefined;
    const now = this.now();
    const last = this.asked.get(order.ref);
    if (last !== undefined && now - last < this.intervalMs) return undefined;
    if (this.asked.size >= this.maxTracked) this.sweep(now);
    this.asked.set(order.ref, now);
    return this.check(order.ref, order.api_order_id, reqId);
  }

  private async check(ref: string, apiOrderId: number, reqId: string): Promise<void> {
    try {
      const result = await this.api.getOrder(apiOrderId);
      if (!result.ok) {
        this.logger.warn({ reqId, ref, failure: result.error.kind }, 'payment check: could not read the order from the API; the webhook will still update it');
        return;
      }
      if (await this.store.applyApiOrder(ref, result.value)) this.logger.info({ reqId, ref, apiStatus: result.value.status }, 'payment check: the API had news before the webhook');
    } catch (err) {
      this.logger.error({ reqId, ref, err }, 'payment check failed');
    }
  }

  private sweep(now: number): void {
    for (const [ref, at] of this.asked) if (now - at >= this.intervalMs) this.asked.delete(ref);
    // Still full (a flood of distinct orders): forget the oldest half rather than grow without bound.
    if (this.asked.size < this.maxTracked) return;
    for (const ref of [...this.asked.keys()].slice(0, this.maxTracked / 2)) this.asked.delete(ref);
  }
}
