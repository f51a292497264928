import type { PortalConfig } from '../config.js';
import type { RateStore } from '../limits/store.js';
import type { OrderStore } from '../orders/store.js';

export interface Refusal {
  status: 429;
  message: string;
  retryAfterSeconds: number;
}

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

  /** Counts one new order for `client`, or says why it may not have one now. */
  async admit(client: string): Promise<Refusal | undefined> {
    const { buyOpenOrdersLimit, buyRateLimit, buyRateWindowMs } = this.config;
    const open = await this.orders.openUnpaidBy(client);
    if (open >= buyOpenOrdersLimit) {
      const orders = open === 1 ? 'an order' : `${open} orders`;
      return {
        status: 429,
        message: `You already have ${orders} waiting for payment. Please finish paying (or cancel at checkout) before starting another; unpaid orders lapse after 24 hours.`,
        retryAfterSeconds: 600,
      };
    }
    const decision = await this.rates.take(`buy:${client}`, buyRateLimit, buyRateWindowMs);
    if (decision.allowed) return undefined;
    const minutes = Math.ceil(decision.retryAfterSeconds / 60);
    return {
      status: 429,
      message: `Too many orders from your address in a short time. Nothing was charged; please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      retryAfterSeconds: decision.retryAfterSeconds,
    };
  }
}
