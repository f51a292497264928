import express, { Router, type Request, type Response } from 'express';
import type { StubContext } from '../context.js';
import { sendMessagePage, sendPage } from '../http/pages.js';
import type { PayOutcome } from '../domain/orders.js';
import type { OrderRow } from '../store/orders.js';

const SESSION_ID = /^cs_test_[A-Za-z0-9_-]{24}$/;
const PREFILLED_CARD = '4242 4242 4242 4242';
const formBody = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;
/** `{ORDER_ID}` (spec) and `{CHECKOUT_SESSION_ID}` (as Stripe and the reference storefront spell it). */
const returnUrl = (template: string, order: OrderRow) =>
  template.replaceAll('{ORDER_ID}', String(order.id)).replaceAll('{CHECKOUT_SESSION_ID}', order.session_id);
const monthsText = (months: number) => `${months} month${months === 1 ? '' : 's'}`;

/** The line item's title: the partner's product_name, else a generic "S2 · 1 month". */
function lineItem(order: OrderRow): string {
  if (order.product_name) return order.product_name;
  const duration = order.tier === 'trial' ? '24 hours' : order.subscription_id !== null ? 'monthly' : monthsText(order.duration_months);
  return `${order.tier.toUpperCase()} · ${duration}`;
}

/** The fake Stripe Checkout: server-rendered pages that work without JavaScript. */
export function checkoutRouter(ctx: StubContext): Router {
  const router = Router();
  const { orders, store } = ctx;

  const message = (res: Response, status: number, title: string, text: string, link?: { href: string; label: string }) =>
    sendMessagePage(ctx.views, res, status, title, text, link);

  function checkoutPage(res: Response, status: number, order: OrderRow, cardNumber: string, error: string | null): void {
    sendPage(ctx.views, res, status, 'checkout', {
      title: `Order #${order.id}`,
      sessionId: order.session_id,
      cardNumber,
      error,
      order: {
        id: order.id,
        title: lineItem(order),
        tier: order.tier,
        months: order.duration_months,
        credit: order.credit_usd > 0 ? `$${order.credit_usd}` : 'none',
        amount: dollars(order.amount_cents),
        free: order.amount_cents === 0,
        renewal: order.renews_order_id !== null,
        subscription: order.subscription_id !== null,
        email: order.customer_email ?? '',
      },
    });
  }

  function notAwaiting(res: Response, order: OrderRow): void {
    const paid = order.paid_at !== null;
    message(
      res,
      409,
      paid ? 'Already paid' : 'Checkout closed',
      paid ? `Order #${order.id} has already been paid.` : `Order #${order.id} is no longer awaiting payment (${order.status}).`,
      { href: returnUrl(paid ? order.success_url : order.cancel_url, order), label: 'Back to the shop' },
    );
  }

  const sessionOf = (req: Request) => {
    const id = req.params.sessionId;
    return typeof id === 'string' && SESSION_ID.test(id) ? id : null;
  };
  const unknownSession = (res: Response) => message(res, 404, 'Checkout not found', 'This checkout link is unknown or mistyped.');

  router.get('/:sessionId', (req, res) => {
    const sessionId = sessionOf(req);
    const order = sessionId ? store.orders.bySession(sessionId) : undefined;
    if (!order) return unknownSession(res);
    if (order.status !== 'awaiting_payment') return notAwaiting(res, order);
    checkoutPage(res, 200, order, PREFILLED_CARD, null);
  });

  router.post('/:sessionId/pay', formBody, (req, res) => {
    const sessionId = sessionOf(req);
    if (!sessionId) return unknownSession(res);
    // A free order (a trial) takes no card: the test cards (declined, deploy fails) do not apply.
    if (store.orders.bySession(sessionId)?.amount_cents === 0) return settle(res, store.transaction(() => orders.pay(sessionId, null)), '');
    const raw = typeof req.body?.card_number === 'string' ? req.body.card_number : '';
    const card = raw.replace(/\s+/g, '');
    if (!/^\d{12,19}$/.test(card)) {
      const order = store.orders.bySession(sessionId);
      if (!order) return unknownSession(res);
      if (order.status !== 'awaiting_payment') return notAwaiting(res, order);
      return checkoutPage(res, 422, order, raw.slice(0, 32), 'Enter a card number: 12 to 19 digits.');
    }
    settle(res, store.transaction(() => orders.pay(sessionId, card)), raw.slice(0, 32));
  });

  function settle(res: Response, outcome: PayOutcome, typed: string): void {
    switch (outcome.kind) {
      case 'not_found':
        return unknownSession(res);
      case 'not_awaiting_payment':
        return notAwaiting(res, outcome.order);
      case 'declined':
        return checkoutPage(res, 402, outcome.order, typed, 'Your card was declined. Try another card.');
      case 'paid':
        return res.redirect(303, returnUrl(outcome.order.success_url, outcome.order));
    }
  }

  router.post('/:sessionId/cancel', (req, res) => {
    const sessionId = sessionOf(req);
    if (!sessionId) return unknownSession(res);
    const outcome = store.transaction(() => orders.cancel(sessionId));
    switch (outcome.kind) {
      case 'not_found':
        return unknownSession(res);
      case 'not_awaiting_payment':
        return notAwaiting(res, outcome.order);
      case 'cancelled':
        return res.redirect(303, returnUrl(outcome.order.cancel_url, outcome.order));
    }
  });

  router.use((_req, res) => unknownSession(res));

  return router;
}
