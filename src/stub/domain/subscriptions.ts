import type { CreateSubscriptionRequest, Subscription } from '../../contract/index.js';
import type { StubClock } from '../clock.js';
import type { StubStore } from '../store/index.js';
import type { OrderRow } from '../store/orders.js';
import type { SubscriptionRow } from '../store/subscriptions.js';
import { ApiError, validationError } from './api-error.js';
import type { StubCatalog } from './catalog.js';
import { FAILS_LATER_CARD, type OrderService } from './orders.js';
import { apiTime, checkoutUrl } from './present.js';

export type CancelSubscriptionOutcome = { kind: 'cancelled' | 'unchanged'; subscription: SubscriptionRow };

/**
 * Monthly subscriptions (beyond the spec; the reference storefront's POST /subscriptions). A
 * subscription is paid on the fake checkout through its first order, whose agent it keeps
 * running: at the end of every paid month it charges the card again (a renewal order, order.paid,
 * agent.ready with the new expires_at) or, when the charge fails, lets the agent expire.
 */
export class SubscriptionService {
  constructor(
    private readonly catalog: StubCatalog,
    private readonly store: StubStore,
    private readonly clock: StubClock,
    private readonly orders: OrderService,
  ) {
    orders.hooks.onPaid = (order, card) => this.firstPaymentMade(order, card);
    orders.hooks.onCheckoutClosed = (order) => this.checkoutClosed(order);
  }

  create(request: CreateSubscriptionRequest): SubscriptionRow {
    const pkg = this.catalog.get(request.tier);
    if (!pkg || pkg.subscriptionCents === null) {
      throw validationError(`tier: must be one of ${this.catalog.subscribableTiers.join(', ')} (the packages that can be subscribed)`);
    }
    if (request.currency !== this.catalog.currency) throw validationError(`currency: must be ${this.catalog.currency}`);
    const amount = pkg.subscriptionCents;
    const fields = {
      customer_email: request.customer_email ?? null,
      product_name: request.product_name ?? null,
      language: request.language,
      external_id: request.external_id ?? null,
    };
    let subscriptionId = 0;
    this.orders.createForSubscription(
      { ...fields, tier: pkg.tier, amount_cents: amount, success_url: request.success_url, cancel_url: request.cancel_url },
      (orderId, now) => {
        subscriptionId = this.store.subscriptions.insert({ ...fields, tier: pkg.tier, amount_cents: amount, order_id: orderId, created_at: now });
        return subscriptionId;
      },
    );
    return this.store.subscriptions.byId(subscriptionId)!;
  }

  byId(id: number): SubscriptionRow | undefined {
    return this.store.subscriptions.byId(id);
  }

  /** Stops renewals; the agent runs to the end of the paid month. Cancelling an unpaid one closes its checkout. */
  cancel(id: number): CancelSubscriptionOutcome {
    const subscription = this.store.subscriptions.byId(id);
    if (!subscription) throw new ApiError('not_found', `subscription ${id} does not exist`);
    if (subscription.status === 'cancelled') return { kind: 'unchanged', subscription };
    if (subscription.status === 'expired' || subscription.status === 'payment_failed') {
      throw new ApiError('conflict', `subscription ${id} has already ended (${subscription.status})`);
    }
    this.store.subscriptions.cancel(id, this.clock.now());
    const order = this.store.orders.byId(subscription.order_id)!;
    if (order.status === 'awaiting_payment') this.orders.cancel(order.session_id);
    return { kind: 'cancelled', subscription: this.store.subscriptions.byId(id)! };
  }

  /** Charges every subscription whose paid month has ended by `now`; returns how many were due. */
  runDue(now: number): number {
    let charged = 0;
    // Again until nothing is due: after a long clock jump one subscription may owe several months.
    for (let due = this.store.subscriptions.renewalsDue(now); due.length > 0; due = this.store.subscriptions.renewalsDue(now)) {
      for (const subscription of due) {
        if (subscription.fails_later) {
          // The charge is declined: no new month. The agent expires now (agent.expired, payment_failed).
          this.store.subscriptions.setStatus(subscription.id, 'payment_failed');
        } else {
          this.store.subscriptions.countRenewal(subscription.id);
          this.orders.chargeRenewal(subscription.order_id, subscription.id, subscription.amount_cents, subscription.expires_at);
        }
        charged++;
      }
    }
    return charged;
  }

  present(row: SubscriptionRow, publicUrl: string): Subscription {
    const order = this.store.orders.byId(row.order_id)!;
    const periodEnd = order.status === 'deployed' || order.status === 'expired' ? order.expires_at : null;
    return {
      id: row.id,
      status: row.status,
      tier: row.tier,
      amount_cents: row.amount_cents,
      currency: this.catalog.currency,
      checkout_url: checkoutUrl(publicUrl, order.session_id),
      order_id: row.order_id,
      customer_email: row.customer_email,
      product_name: row.product_name,
      language: row.language,
      external_id: row.external_id,
      current_period_end: apiTime(periodEnd),
      next_renewal_at: row.status === 'active' && order.status === 'deployed' ? apiTime(order.expires_at) : null,
      renewals: row.renewals,
      cancelled_at: apiTime(row.cancelled_at),
      created_at: apiTime(row.created_at)!,
    };
  }

  private firstPaymentMade(order: OrderRow, card: string | null): void {
    if (order.subscription_id === null || order.renews_order_id !== null) return;
    const subscription = this.store.subscriptions.byId(order.subscription_id);
    if (subscription?.status === 'pending') this.store.subscriptions.activate(subscription.id, card === FAILS_LATER_CARD);
  }

  private checkoutClosed(order: OrderRow): void {
    if (order.subscription_id === null) return;
    const subscription = this.store.subscriptions.byId(order.subscription_id);
    if (subscription?.status === 'pending') this.store.subscriptions.setStatus(subscription.id, 'expired');
  }
}
