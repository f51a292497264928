import type { Order, Subscription } from '../../contract/index.js';
import type { Logger } from '../../lib/logger.js';
import type { ApiFailure, ApiResult } from '../mintoffice/client.js';
import type { NewOrder, OrderRow, OrderStore } from '../orders/store.js';
import { httpUrlOrNull } from '../../lib/http-url.js';
import { customerError, type CustomerError } from '../http/customer-errors.js';

/** What the customer's POST leads to: the checkout (or status page), or a message and a status. */
export type SubmitOutcome =
  | { kind: 'redirect'; location: string; ref: string }
  | { kind: 'failed'; error: CustomerError }
  /** The idempotency key was already used for different choices (a stale tab). */
  | { kind: 'conflict' };

export interface Submission {
  idempotencyKey: string;
  order: Omit<NewOrder, 'idempotencyKey'>;
  /** Sends the order to the API with this ref as external_id and the key as Idempotency-Key. */
  send(ref: string): Promise<ApiResult<Order | Subscription>>;
  reqId: string;
  what: 'order' | 'renewal' | 'subscription';
}

/**
 * One order per idempotency key, however often the form is posted: the key is the local row's
 * UNIQUE idempotency_key AND the API's Idempotency-Key, and concurrent posts of the same key in
 * this process share one in-flight attempt. The local row is written before the API is called;
 * a failure is recorded on it (create_failed) and a re-post of the same form tries again with the
 * same ref and key, which the API answers idempotently.
 */
export class Checkout {
  private readonly inflight = new Map<string, Promise<SubmitOutcome>>();

  constructor(
    private readonly store: OrderStore,
    private readonly logger: Logger,
    private readonly publicBaseUrl: string,
    private readonly checkoutOrigins: readonly string[],
  ) {}

  submit(s: Submission): Promise<SubmitOutcome> {
    const pending = this.inflight.get(s.idempotencyKey);
    if (pending) return pending;
    const attempt = this.attempt(s).finally(() => this.inflight.delete(s.idempotencyKey));
    this.inflight.set(s.idempotencyKey, attempt);
    return attempt;
  }

  private async attempt(s: Submission): Promise<SubmitOutcome> {
    let row = await this.store.byIdempotencyKey(s.idempotencyKey);
    if (row && !sameChoices(row, s.order)) return { kind: 'conflict' };
    if (row?.api_order_id != null && row.checkout_url) return this.redirectFor(row);
    if (!row) {
      row = (await this.store.insertCreating({ ...s.order, idempotencyKey: s.idempotencyKey })) ?? (await this.store.byIdempotencyKey(s.idempotencyKey))!;
    } else if (row.status === 'create_failed') {
      await this.store.retryCreating(row.ref);
    }

    const result = await s.send(row.ref);
    if (!result.ok) {
      const outcome = this.describeFailure(result.error, s);
      await this.store.markCreateFailed(row.ref, `${result.error.kind}: ${result.error.message}`.slice(0, 500));
      return outcome;
    }
    const checkoutUrl = httpUrlOrNull(result.value.checkout_url);
    if (!checkoutUrl) {
      this.logger.error({ reqId: s.reqId, ref: row.ref, apiOrderId: result.value.id }, `mintoffice ${s.what}: the API's order has no usable checkout_url`);
      await this.store.markCreateFailed(row.ref, 'invalid_response: no usable checkout_url');
      return { kind: 'failed', error: customerError('payment_page_failed') };
    }
    const origin = new URL(checkoutUrl).origin;
    if (!this.checkoutOrigins.includes(origin)) {
      // The browser would refuse the redirect (CSP form-action): tell the operator how to fix it.
      this.logger.error({ reqId: s.reqId, origin }, `checkout origin ${origin} is not in CHECKOUT_ORIGINS: browsers will block the redirect; add it to CHECKOUT_ORIGINS`);
    }
    const created = result.value;
    if ('order_id' in created) await this.store.markSubscriptionCreated(row.ref, created);
    else await this.store.markCreated(row.ref, created);
    this.logger.info({ reqId: s.reqId, ref: row.ref, apiOrderId: result.value.id, replayed: result.replayed }, `${s.what} created`);
    return { kind: 'redirect', location: checkoutUrl, ref: row.ref };
  }

  private redirectFor(row: OrderRow): SubmitOutcome {
    if (row.status === 'awaiting_payment' && row.checkout_url) return { kind: 'redirect', location: row.checkout_url, ref: row.ref };
    return { kind: 'redirect', location: `${this.publicBaseUrl}/thank-you?ref=${row.ref}`, ref: row.ref };
  }

  /**
   * The customer's words for an API failure (a plain message, never the API's), plus a log line
   * with the request id that says what happened and what the operator can do.
   */
  private describeFailure(error: ApiFailure, s: Submission): SubmitOutcome & { kind: 'failed' } {
    const log = { reqId: s.reqId, failure: error.kind };
    const failed = (e: CustomerError) => ({ kind: 'failed' as const, error: e });
    switch (error.kind) {
      case 'not_configured':
        this.logger.error(log, `cannot create ${s.what}s: MINTOFFICE_API_KEY is not set; set it to the key from MintOffice → API access`);
        return failed(customerError('ordering_unavailable'));
      case 'credentials':
        if (error.code === 'partner_not_live') {
          this.logger.error({ ...log, code: error.code, apiRequestId: error.requestId }, `cannot create ${s.what}s: the partner account is not live yet (partner_not_live); finish onboarding in MintOffice`);
        } else {
          this.logger.error({ ...log, code: error.code, apiRequestId: error.requestId }, `cannot create ${s.what}s: the API refused MINTOFFICE_API_KEY (${error.code}); it was probably rotated: set the current key`);
        }
        return failed(customerError('ordering_unavailable'));
      case 'rate_limited':
        this.logger.warn({ ...log, retryAfterSeconds: error.retryAfterSeconds }, `${s.what}: the API is rate limiting us`);
        return failed(customerError('busy', { retryAfterSeconds: error.retryAfterSeconds }));
      case 'rejected':
        if (error.code === 'quota_exceeded') {
          this.logger.error({ ...log, code: error.code, deploysUsed: error.deploysUsed, deployQuota: error.deployQuota }, `cannot create ${s.what}s: every deploy slot is in use (quota_exceeded); ask mintbot support to raise the quota`);
          return failed(customerError('sold_out'));
        }
        this.logger.warn({ ...log, code: error.code, status: error.status, apiRequestId: error.requestId, message: error.message }, `${s.what} refused by the API`);
        return failed(customerError('order_refused'));
      case 'unreachable':
        this.logger.error({ ...log, message: error.message }, `${s.what}: the mintbot API could not be reached`);
        return failed(customerError('unreachable'));
      case 'invalid_response':
        this.logger.error({ ...log, status: error.status, message: error.message }, `${s.what}: the mintbot API answered in an unexpected format`);
        return failed(customerError('unexpected_answer'));
    }
  }
}

function sameChoices(row: OrderRow, order: Submission['order']): boolean {
  return (
    row.tier === order.tier &&
    row.duration_months === order.durationMonths &&
    row.credit_usd === order.creditUsd &&
    (row.language ?? null) === (order.language ?? null) &&
    (row.renews_ref ?? null) === (order.renewsRef ?? null) &&
    (row.subscription_status !== null) === Boolean(order.subscription) &&
    (row.customer_email ?? null) === (order.customerEmail ?? null)
  );
}
