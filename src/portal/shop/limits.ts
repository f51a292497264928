import type { PortalConfig } from '../config.js';
import { customerError, type CustomerError } from '../http/customer-errors.js';
import type { RateStore } from '../limits/store.js';
import type { OrderStore } from '../orders/store.js';

/**
 * Who may start another order. Each accepted order holds one of the partner's deploy slots for the
 * 24-hour checkout window, so without these one client with fresh form keys sells the shop out:
 * a client may have BUY_OPEN_ORDERS_LIMIT unpaid orders at a time and start BUY_RATE_LIMIT orders
 * or renewals per BUY_RATE_WINDOW_SECONDS. A client is an address (TRUST_PROXY decides which one).
 */
export class BuyLimits {
  constructor(
    private readonly config: Pick<PortalConfig, 'buyRateLimit' | 'buyRateWindowMs' | 'buyOpenOrdersLimit'>,
    private readonly rates: RateStore,
    private readonly orders: OrderStore,
  ) {}

  /** Counts one new order for `client`, or says why it may not have one now (in the shop's words: errors.orders_waiting, errors.too_many_orders). */
  async admit(client: string): Promise<CustomerError | undefined> {
    const { buyOpenOrdersLimit, buyRateLimit, buyRateWindowMs } = this.config;
    const open = await this.orders.openUnpaidBy(client);
    if (open >= buyOpenOrdersLimit) return customerError('orders_waiting', { retryAfterSeconds: 600, values: { count: open } });
    const decision = await this.rates.take(`buy:${client}`, buyRateLimit, buyRateWindowMs);
    if (decision.allowed) return undefined;
    return customerError('too_many_orders', { retryAfterSeconds: decision.retryAfterSeconds, values: { minutes: Math.ceil(decision.retryAfterSeconds / 60) } });
  }
}
