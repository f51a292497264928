import { parseApiTime } from '../../contract/index.js';
import { FINAL_STATUSES, STATUS_TONE, type LocalStatus, type StatusTone } from '../orders/status.js';
import type { OrderRow } from '../orders/store.js';
import { httpUrlOrNull } from '../../lib/http-url.js';

export type Tone = StatusTone;

/** How the thank-you page presents an order: everything the template and the JSON endpoint need. */
export interface StatusView {
  status: LocalStatus;
  /** True once nothing more will happen by itself: the page stops refreshing. */
  final: boolean;
  tone: Tone;
  pill: string;
  headline: string;
  detail: string;
  /** 1 payment, 2 set-up, 3 ready; 0 when the order left the happy path. */
  step: number;
  /** Only http(s) links are ever shown. */
  panelUrl: string | null;
  expiresAt: string | null;
  checkoutUrl: string | null;
  renewable: boolean;
  isRenewal: boolean;
}

/** "16 May 2026, 10:02 UTC" from the API's UTC "YYYY-MM-DD HH:MM:SS". */
export function formatExpiry(value: string | null): string | null {
  if (!value) return null;
  const ms = parseApiTime(value);
  if (Number.isNaN(ms)) return value;
  const d = new Date(ms);
  const date = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const time = d.toISOString().slice(11, 16);
  return `${date}, ${time} UTC`;
}

/**
 * The view of an order. For a renewal, `original` is the order whose agent it extends: once the
 * renewal is paid, the page shows that agent (its panel link and new expiry).
 */
/** A trial lives 24 hours and is followed by a plan, not renewed (renewing would be free forever). */
export function renewableTier(tier: string): boolean {
  return tier !== 'trial';
}

export function statusView(order: OrderRow, original?: OrderRow, now = Date.now()): StatusView {
  let status = order.status;
  const isRenewal = order.renews_ref !== null;
  const agent = isRenewal && original ? original : order;
  // Without webhooks (or before agent.expired arrives) a ready agent past its expiry is expired.
  if (status === 'ready' && order.expires_at && parseApiTime(order.expires_at) <= now) status = 'expired';
  const base = {
    status,
    final: FINAL_STATUSES.has(status),
    panelUrl: null as string | null,
    expiresAt: null as string | null,
    checkoutUrl: null as string | null,
    renewable: false,
    isRenewal,
  };
  switch (status) {
    case 'creating':
      return { ...base, tone: STATUS_TONE[status], pill: 'Starting', step: 1, headline: 'Opening the payment page…', detail: 'Your order is being created. This takes a moment.' };
    case 'create_failed':
      return { ...base, tone: STATUS_TONE[status], pill: 'Not placed', step: 0, headline: 'This order was not placed', detail: 'We could not start the payment. Nothing was charged. Please try again.' };
    case 'awaiting_payment':
      return {
        ...base,
        tone: STATUS_TONE[status],
        pill: 'Awaiting payment',
        step: 1,
        headline: 'Waiting for your payment to be confirmed',
        detail: 'If you have just paid, the confirmation usually arrives within seconds.',
        checkoutUrl: httpUrlOrNull(order.checkout_url),
      };
    case 'paid':
      if (isRenewal) {
        return {
          ...base,
          final: true,
          tone: STATUS_TONE.ready, // a paid renewal is done: the agent it extends is running
          pill: 'Renewed',
          step: 3,
          headline: 'Thank you, your agent is renewed',
          detail: 'Your payment was received and your agent’s running time is extended.',
          panelUrl: httpUrlOrNull(agent.panel_url),
          expiresAt: formatExpiry(agent.expires_at),
        };
      }
      return { ...base, tone: STATUS_TONE[status], pill: 'Paid', step: 2, headline: 'Payment received, setting up your agent', detail: 'We are preparing your agent’s server. This usually takes under a minute.' };
    case 'provisioning':
      return { ...base, tone: STATUS_TONE[status], pill: 'Setting up', step: 2, headline: 'Your agent is being set up', detail: 'Its server is starting; this takes a few moments.' };
    case 'ready':
      return {
        ...base,
        tone: STATUS_TONE[status],
        pill: 'Ready',
        step: 3,
        headline: 'Your agent is ready',
        detail: 'Open its panel to start talking to it. Keep this page: it is your link to renew.',
        panelUrl: httpUrlOrNull(order.panel_url),
        expiresAt: formatExpiry(order.expires_at),
        renewable: !isRenewal && order.api_order_id !== null && renewableTier(order.tier),
      };
    case 'failed':
      return {
        ...base,
        tone: STATUS_TONE[status],
        pill: 'Set-up failed',
        step: 0,
        headline: 'Your payment went through, but the set-up failed',
        detail: order.error_message ? `What happened: ${order.error_message}.` : 'The agent’s server did not come up.',
      };
    case 'cancelled':
      return { ...base, tone: STATUS_TONE[status], pill: 'Cancelled', step: 0, headline: 'This order was cancelled', detail: 'The checkout was cancelled or timed out. Nothing was charged.' };
    case 'expired':
      return {
        ...base,
        tone: STATUS_TONE[status],
        pill: 'Expired',
        step: 0,
        headline: 'Your agent has expired',
        detail: 'Renew it to bring it back with everything it knew.',
        panelUrl: null,
        expiresAt: formatExpiry(order.expires_at),
        renewable: !isRenewal && order.api_order_id !== null && order.panel_url !== null && renewableTier(order.tier),
      };
  }
}

/** How the status page presents a subscription's state (null for a one-off order). */
export interface SubscriptionView {
  status: NonNullable<OrderRow['subscription_status']>;
  label: string;
  detail: string;
  /** The customer may stop automatic renewal (a POST with the form's one-time key). */
  cancellable: boolean;
}

export function subscriptionView(order: OrderRow): SubscriptionView | null {
  const status = order.subscription_status;
  if (status === null) return null;
  const until = formatExpiry(order.expires_at);
  switch (status) {
    case 'pending':
      return { status, label: 'Renews monthly', detail: 'Once paid, your agent renews automatically every month until you stop it here.', cancellable: order.api_subscription_id !== null };
    case 'active':
      return {
        status,
        label: 'Renews monthly',
        detail: until ? `Renews automatically every month. Next renewal: ${until}.` : 'Renews automatically every month.',
        cancellable: true,
      };
    case 'cancelled':
      return { status, label: 'Renewal stopped', detail: until ? `Automatic renewal is off. Your agent runs until ${until}.` : 'Automatic renewal is off.', cancellable: false };
    case 'payment_failed':
      return {
        status,
        label: 'Payment failed',
        detail: until ? `The monthly payment failed, so automatic renewal stopped and your agent ran until ${until}.` : 'The monthly payment failed, so automatic renewal stopped.',
        cancellable: false,
      };
    case 'expired':
      return { status, label: 'Not started', detail: 'The first payment was not completed, so nothing renews.', cancellable: false };
  }
}
