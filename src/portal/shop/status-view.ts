import { parseApiTime } from '../../contract/index.js';
import type { Translator } from '../i18n/index.js';
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
  /** The payment page, offered only to a customer who did not come back from paying. */
  checkoutUrl: string | null;
  renewable: boolean;
  isRenewal: boolean;
  /** Back from the checkout's success URL and the payment not confirmed yet. */
  confirming: boolean;
}

/** The API's UTC "YYYY-MM-DD HH:MM:SS" as the customer's locale writes it ("16 May 2026, 10:02 UTC"). */
export function formatExpiry(value: string | null, tr: Translator): string | null {
  if (!value) return null;
  const ms = parseApiTime(value);
  return Number.isNaN(ms) ? value : tr.dateTime(ms);
}

/** A trial lives 24 hours and is followed by a plan, not renewed (renewing would be free forever). */
export function renewableTier(tier: string): boolean {
  return tier !== 'trial';
}

export interface StatusContext {
  /** The order whose agent a renewal extends: once paid, the page shows that agent. */
  original?: OrderRow | undefined;
  /** The customer arrived from the checkout's success URL: never offer to pay again. */
  fromCheckout?: boolean;
  now?: number;
}

/** The view of an order, in the page's language. */
export function statusView(order: OrderRow, tr: Translator, ctx: StatusContext = {}): StatusView {
  let status = order.status;
  const isRenewal = order.renews_ref !== null;
  const agent = isRenewal && ctx.original ? ctx.original : order;
  const trial = order.tier === 'trial';
  // Without webhooks (or before agent.expired arrives) a ready agent past its expiry is expired.
  if (status === 'ready' && order.expires_at && parseApiTime(order.expires_at) <= (ctx.now ?? Date.now())) status = 'expired';
  const words = (key: string) => ({ pill: tr.t(`status.${key}.pill`), headline: tr.t(`status.${key}.headline`), detail: tr.t(`status.${key}.detail`) });
  const base = {
    status,
    final: FINAL_STATUSES.has(status),
    panelUrl: null as string | null,
    expiresAt: null as string | null,
    checkoutUrl: null as string | null,
    renewable: false,
    isRenewal,
    confirming: false,
  };
  switch (status) {
    case 'creating':
      return { ...base, ...words('creating'), tone: STATUS_TONE[status], step: 1 };
    case 'create_failed':
      return { ...base, ...words('createFailed'), tone: STATUS_TONE[status], step: 0 };
    case 'awaiting_payment':
      // Back from paying: nothing for the customer to do, so not the "act now" colour either.
      if (ctx.fromCheckout) return { ...base, ...words('confirming'), tone: 'info', step: 1, confirming: true };
      return { ...base, ...words('awaitingPayment'), tone: STATUS_TONE[status], step: 1, checkoutUrl: httpUrlOrNull(order.checkout_url) };
    case 'paid':
      if (isRenewal) {
        return {
          ...base,
          ...words('renewed'),
          final: true,
          tone: STATUS_TONE.ready, // a paid renewal is done: the agent it extends is running
          step: 3,
          panelUrl: httpUrlOrNull(agent.panel_url),
          expiresAt: formatExpiry(agent.expires_at, tr),
        };
      }
      return { ...base, ...words('paid'), tone: STATUS_TONE[status], step: 2 };
    case 'provisioning':
      return { ...base, ...words('provisioning'), tone: STATUS_TONE[status], step: 2 };
    case 'ready':
      return {
        ...base,
        ...words(trial ? 'readyTrial' : 'ready'),
        tone: STATUS_TONE[status],
        step: 3,
        panelUrl: httpUrlOrNull(order.panel_url),
        expiresAt: formatExpiry(order.expires_at, tr),
        renewable: !isRenewal && order.api_order_id !== null && renewableTier(order.tier),
      };
    case 'failed':
      return { ...base, ...words('failed'), tone: STATUS_TONE[status], step: 0 };
    case 'cancelled':
      return { ...base, ...words('cancelled'), tone: STATUS_TONE[status], step: 0 };
    case 'expired':
      return {
        ...base,
        ...words(trial ? 'expiredTrial' : 'expired'),
        tone: STATUS_TONE[status],
        step: 0,
        expiresAt: formatExpiry(order.expires_at, tr),
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

export function subscriptionView(order: OrderRow, tr: Translator): SubscriptionView | null {
  const status = order.subscription_status;
  if (status === null) return null;
  const date = formatExpiry(order.expires_at, tr);
  const detail = (key: string) =>
    status === 'pending' || status === 'expired' || date === null ? tr.t(`subscription.${key}.${status === 'pending' || status === 'expired' ? 'detail' : 'detailNoDate'}`) : tr.t(`subscription.${key}.detail`, { date });
  return {
    status,
    label: tr.t(`subscription.${status}.label`),
    detail: detail(status),
    cancellable: status === 'active' || (status === 'pending' && order.api_subscription_id !== null),
  };
}
