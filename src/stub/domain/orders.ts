import { randomBytes } from 'node:crypto';
import type { CreateOrderRequest, RenewOrderRequest } from '../../contract/index.js';
import type { StubConfig } from '../config.js';
import type { StubClock } from '../clock.js';
import type { StubStore } from '../store/index.js';
import type { OrderRow } from '../store/orders.js';
import { ApiError, validationError } from './api-error.js';
import type { WebhookEvents } from './events.js';
import type { Faults } from './faults.js';
import type { StubCatalog } from './catalog.js';
import { agentLifetimeEnd } from './pricing.js';

/** Test cards of the fake checkout (Stripe's numbers). */
export const DECLINED_CARD = '4000000000000002';
export const DEPLOY_FAILS_CARD = '4000000000000341';
/** Beyond Stripe's meaning: pays at checkout, then every monthly renewal charge fails. */
export const FAILS_LATER_CARD = '4000000000009995';

export type PayOutcome =
  | { kind: 'paid'; order: OrderRow }
  | { kind: 'declined'; order: OrderRow }
  | { kind: 'not_awaiting_payment'; order: OrderRow }
  | { kind: 'not_found' };

export type CancelOutcome =
  | { kind: 'cancelled'; order: OrderRow }
  | { kind: 'not_awaiting_payment'; order: OrderRow }
  | { kind: 'not_found' };

type Config = Pick<StubConfig, 'deployQuota' | 'deploySeconds' | 'apexDomain'>;

/**
 * What subscriptions need to hear from the order lifecycle, inside the same transaction and before
 * the order's events are recorded (so their payloads carry the subscription's new status).
 */
export interface OrderHooks {
  /** `cardNumber` is null for a free order. */
  onPaid?(order: OrderRow, cardNumber: string | null, now: number): void;
  onCheckoutClosed?(order: OrderRow, now: number): void;
}

type InsertFields = Omit<Parameters<StubStore['orders']['insert']>[0], 'session_id' | 'created_at'>;

/**
 * The order lifecycle: create, renew, pay, cancel, and the steps that fall due with time
 * (checkout expiry, deploy end, agent expiry). Every method is synchronous and meant to run
 * inside one SQLite transaction together with its webhook events.
 */
export class OrderService {
  constructor(
    private readonly config: Config,
    private readonly store: StubStore,
    private readonly clock: StubClock,
    private readonly events: WebhookEvents,
    private readonly faults: Faults,
    private readonly catalog: StubCatalog,
    /** Filled in by startStub once the subscription service exists. */
    readonly hooks: OrderHooks = {},
  ) {}

  /** `request.tier` is a package the catalog lists (the route checks it). */
  create(request: CreateOrderRequest): OrderRow {
    const credit = request.credit_usd ?? 0;
    if (credit !== 0 && !this.catalog.creditOptions.has(credit)) {
      throw validationError(`credit_usd: must be 0 or one of ${[...this.catalog.creditOptions.keys()].join(', ')}`);
    }
    this.requireDeploySlot();
    return this.insert({
      tier: request.tier,
      duration_months: request.duration_months,
      credit_usd: credit,
      amount_cents: this.catalog.orderAmountCents(request.tier, request.duration_months, credit),
      product_name: request.product_name ?? null,
      customer_email: request.customer_email ?? null,
      language: request.language ?? null,
      external_id: request.external_id ?? null,
      success_url: request.success_url,
      cancel_url: request.cancel_url,
      webhook_url: request.webhook_url ?? null,
      renews_order_id: null,
    });
  }

  /** A renewal is a new order for the original's tier; paying it extends the original's agent. */
  renew(originalId: number, request: RenewOrderRequest): OrderRow {
    const original = this.store.orders.byId(originalId);
    if (!original) throw new ApiError('not_found', `order ${originalId} does not exist`);
    const hasAgent = original.panel_url !== null && (original.status === 'deployed' || original.status === 'expired');
    if (!hasAgent) {
      throw validationError(`order: ${originalId} has no agent to renew (status ${original.status}); only deployed or expired agents can be renewed`);
    }
    // Renewing a live agent needs no new slot; reviving an expired one does.
    if (original.status === 'expired') this.requireDeploySlot();
    return this.insert({
      tier: original.tier,
      duration_months: request.duration_months,
      credit_usd: 0, // spec: infra-only, no fresh chat credit
      amount_cents: this.catalog.orderAmountCents(original.tier, request.duration_months, 0),
      product_name: original.product_name,
      customer_email: original.customer_email,
      language: original.language,
      external_id: request.external_id ?? original.external_id,
      success_url: request.success_url,
      cancel_url: request.cancel_url,
      webhook_url: original.webhook_url,
      renews_order_id: original.id,
    });
  }

  /** `cardNumber` is null for a free order (nothing to charge, so no test card applies). */
  pay(sessionId: string, cardNumber: string | null): PayOutcome {
    const order = this.store.orders.bySession(sessionId);
    if (!order) return { kind: 'not_found' };
    if (order.status !== 'awaiting_payment') return { kind: 'not_awaiting_payment', order };
    if (cardNumber === DECLINED_CARD) return { kind: 'declined', order };

    const now = this.clock.now();
    this.store.orders.markPaid(order.id, now, cardNumber === DEPLOY_FAILS_CARD);
    this.store.revenue.recordOrderPaid(order.id, order.amount_cents, this.catalog.partnerCutCents(order.tier, order.duration_months), now);
    this.hooks.onPaid?.(order, cardNumber, now);
    const paid = this.store.orders.byId(order.id)!;
    this.events.emit(paid, 'order.paid', now);
    if (paid.renews_order_id === null) {
      this.events.emit(paid, 'agent.provisioning_started', now);
    } else {
      this.extendAgent(paid.renews_order_id, paid.duration_months, now);
    }
    return { kind: 'paid', order: paid };
  }

  cancel(sessionId: string): CancelOutcome {
    const order = this.store.orders.bySession(sessionId);
    if (!order) return { kind: 'not_found' };
    if (order.status !== 'awaiting_payment') return { kind: 'not_awaiting_payment', order };
    const now = this.clock.now();
    return { kind: 'cancelled', order: this.closeCheckout(order, now) };
  }

  /**
   * A subscription's first order: a one-month order at the subscription's price. `link` stores the
   * subscription for the new order id; order.created goes out once the order points at it.
   */
  createForSubscription(
    fields: Pick<InsertFields, 'tier' | 'amount_cents' | 'language' | 'external_id' | 'success_url' | 'cancel_url' | 'product_name' | 'customer_email'>,
    link: (orderId: number, now: number) => number,
  ): OrderRow {
    this.requireDeploySlot();
    return this.insert({ ...fields, duration_months: 1, credit_usd: 0, webhook_url: null, renews_order_id: null }, link);
  }

  /**
   * A subscription's monthly charge, made at `at` (the end of the paid period) without a checkout:
   * a renewal order, paid at once, that extends the agent by a month like a paid renewal does.
   */
  chargeRenewal(originalId: number, subscriptionId: number, amountCents: number, at: number): void {
    const original = this.store.orders.byId(originalId)!;
    const id = this.store.orders.insert({
      tier: original.tier,
      duration_months: 1,
      credit_usd: 0,
      amount_cents: amountCents,
      session_id: newSessionId(),
      language: original.language,
      external_id: original.external_id,
      success_url: original.success_url,
      cancel_url: original.cancel_url,
      webhook_url: original.webhook_url,
      renews_order_id: original.id,
      product_name: original.product_name,
      customer_email: original.customer_email,
      created_at: at,
    });
    this.store.orders.setSubscription(id, subscriptionId);
    this.events.emit(this.store.orders.byId(id)!, 'order.created', at);
    this.store.orders.markPaid(id, at, false);
    this.store.revenue.recordOrderPaid(id, amountCents, this.catalog.partnerCutCents(original.tier, 1), at);
    this.events.emit(this.store.orders.byId(id)!, 'order.paid', at);
    this.extendAgent(original.id, 1, at);
  }

  /** Runs every lifecycle step due at `now`; returns how many orders changed. */
  runDue(now: number): number {
    let changed = 0;
    for (const order of this.store.orders.checkoutsExpiredAt(now)) {
      this.closeCheckout(order, now);
      changed++;
    }
    for (const order of this.store.orders.deploysDueAt(now, this.config.deploySeconds * 1000)) {
      this.finishDeploy(order, now);
      changed++;
    }
    for (const order of this.store.orders.agentsExpiredAt(now)) {
      this.transition(order.id, 'expired', 'agent.expired', now);
      changed++;
    }
    return changed;
  }

  /** When the next lifecycle step falls due (stub time), or null when nothing is waiting. */
  nextDueAt(): number | null {
    return this.store.orders.nextDueAt(this.config.deploySeconds * 1000);
  }

  private finishDeploy(order: OrderRow, now: number): void {
    if (order.deploy_will_fail) {
      const failed = this.setStatus(order.id, 'deploy_failed');
      this.events.emit(failed, 'agent.failed', now, {
        error: { step: 'provision_server', message: 'server did not come up (test card 4000 0000 0000 0341)' },
      });
      return;
    }
    const panelUrl = `https://agent${order.id}.${this.config.apexDomain}/panel`;
    this.store.orders.markDeployed(order.id, panelUrl, agentLifetimeEnd(order.paid_at!, order.tier, order.duration_months));
    this.events.emit(this.store.orders.byId(order.id)!, 'agent.ready', now);
  }

  private extendAgent(originalId: number, months: number, now: number): void {
    const original = this.store.orders.byId(originalId)!;
    const from = Math.max(now, original.expires_at ?? now);
    this.store.orders.markDeployed(original.id, original.panel_url!, agentLifetimeEnd(from, original.tier, months));
    this.events.emit(this.store.orders.byId(original.id)!, 'agent.ready', now);
  }

  private requireDeploySlot(): void {
    const used = this.store.orders.deploysUsed();
    if (used >= this.config.deployQuota) {
      throw new ApiError('quota_exceeded', `every deploy slot is in use (${used} of ${this.config.deployQuota})`, {
        extra: { deploys_used: used, deploy_quota: this.config.deployQuota },
      });
    }
  }

  private closeCheckout(order: OrderRow, now: number): OrderRow {
    this.store.orders.setStatus(order.id, 'expired');
    this.hooks.onCheckoutClosed?.(order, now);
    const closed = this.store.orders.byId(order.id)!;
    this.events.emit(closed, 'order.cancelled', now);
    return closed;
  }

  private insert(fields: InsertFields, link?: (orderId: number, now: number) => number): OrderRow {
    if (this.faults.take('payment_gateway_error')) {
      throw new ApiError(
        'payment_gateway_error',
        'Stripe rejected the Checkout session creation (upstream 502: {"error":{"type":"api_error","message":"[redacted]"}})',
      );
    }
    const now = this.clock.now();
    const id = this.store.orders.insert({ ...fields, session_id: newSessionId(), created_at: now });
    if (link) this.store.orders.setSubscription(id, link(id, now));
    const order = this.store.orders.byId(id)!;
    this.events.emit(order, 'order.created', now);
    return order;
  }

  private setStatus(id: number, status: OrderRow['status']): OrderRow {
    this.store.orders.setStatus(id, status);
    return this.store.orders.byId(id)!;
  }

  private transition(id: number, status: OrderRow['status'], event: 'agent.expired', now: number): OrderRow {
    const order = this.setStatus(id, status);
    this.events.emit(order, event, now);
    return order;
  }
}

const newSessionId = () => `cs_test_${randomBytes(18).toString('base64url')}`;
