import type { MessageValues } from '../i18n/index.js';

/**
 * Every failure a customer can meet in the shop, in the shop's words: the HTTP status and the
 * catalogue key (`errors.<name>` in locales/*.json) of a sentence that says what happened and
 * what to do. Never an upstream message, a provider's name or a code: those go to the log line,
 * which carries the request id the page shows as its reference.
 *
 * To add one (as the per-client order limits did: orders_waiting, too_many_orders): add an entry here, add `errors.<name>` to
 * every catalogue (the catalogue test fails until you do), and return `customerError('<name>')`.
 */
export const CUSTOMER_ERRORS = {
  // The form
  form_unreadable: 400,
  form_expired: 400,
  form_used: 409,
  plan_unknown: 422,
  duration_unknown: 422,
  language_unknown: 422,
  credit_unavailable: 400,
  duration_not_sold: 422,
  subscribe_email_missing: 422,
  subscribe_not_available: 422,
  // Placing the order with mintbot
  ordering_unavailable: 503,
  busy: 503,
  sold_out: 503,
  order_refused: 502,
  unreachable: 502,
  unexpected_answer: 502,
  payment_page_failed: 502,
  too_many_orders: 429,
  orders_waiting: 429,
  // Renewing
  order_not_found: 404,
  renew_trial: 409,
  renew_no_agent: 409,
  // Stopping a monthly renewal
  subscription_none: 409,
  subscription_ended: 409,
  cancel_unavailable: 503,
  cancel_unreachable: 502,
  // Anywhere
  store_busy: 503,
  not_found: 404,
  bad_request: 400,
  too_large: 413,
  unsupported_type: 415,
  server: 500,
} as const satisfies Record<string, number>;

export type CustomerErrorName = keyof typeof CUSTOMER_ERRORS;

export interface CustomerError {
  name: CustomerErrorName;
  status: number;
  /** Values for the message (e.g. `seconds`), and the Retry-After header when set. */
  values?: MessageValues;
  retryAfterSeconds?: number;
}

/** A customer error by name; `retryAfterSeconds` also sets the Retry-After header and the message's `seconds`. */
export function customerError(name: CustomerErrorName, extra: { retryAfterSeconds?: number; values?: MessageValues } = {}): CustomerError {
  const error: CustomerError = { name, status: CUSTOMER_ERRORS[name] };
  if (extra.retryAfterSeconds !== undefined) {
    error.retryAfterSeconds = extra.retryAfterSeconds;
    error.values = { seconds: extra.retryAfterSeconds };
  }
  if (extra.values) error.values = { ...error.values, ...extra.values };
  return error;
}

export function messageKey(error: CustomerError): string {
  return `errors.${error.name}`;
}
