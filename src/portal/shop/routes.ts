import { randomUUID } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { CustomerEmail, DurationMonths, TierName, type Order, type Subscription } from '../../contract/index.js';
import { clientIp } from '../../lib/client-ip.js';
import type { ApiResult } from '../mintoffice/client.js';
import type { PortalDeps } from '../deps.js';
import { sendError } from '../http/errors.js';
import { renderHtml, wantsJson } from '../http/render.js';
import type { OrderRow } from '../orders/store.js';
import { Checkout, type SubmitOutcome } from './checkout.js';
import { BuyLimits } from './limits.js';
import { HOME_CACHE_CONTROL, sendHtml } from './fast-path.js';
import type { Choices } from './pages.js';
import { renewableTier, statusView, subscriptionView } from './status-view.js';
import { cancelSubscription } from './subscriptions.js';

const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const Ref = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/);
const Duration = z.enum(['1', '3', '12'], { error: 'Please choose 1, 3 or 12 months.' }).transform((v) => DurationMonths.parse(Number(v)));
const CreditUsd = z.string().regex(/^\d{1,6}$/).transform(Number);

/** The /buy form: every field a string (urlencoded, not extended); repeated fields are refused. */
const BuyForm = z.object({
  plan: z.string().max(20).optional(),
  duration_months: z.string().max(4).optional(),
  credit_usd: z.string().max(10).optional(),
  language: z.string().max(10).optional(),
  idempotency_key: z.string().max(100).optional(),
  subscribe: z.literal('1').optional(),
  email: z.string().max(300).optional(),
});

const clientKey = (req: Request): string => clientIp(req) ?? 'unknown';

const RenewForm = z.object({
  ref: z.string().max(100).optional(),
  duration_months: z.string().max(4).optional(),
  idempotency_key: z.string().max(100).optional(),
});

const CancelSubscriptionForm = z.object({
  ref: z.string().max(100).optional(),
  idempotency_key: z.string().max(100).optional(),
});

/**
 * The storefront: plan cards, the picker, POST /buy → API order → 303 to checkout, the live status
 * page (+ its JSON), cancel, renew. No page view waits on the API: prices and credit options come
 * from the settings cache, and pages that do not depend on the request are rendered once per
 * settings snapshot (see ShopPages; GET / and /buy are usually answered by the fast path).
 */
export function shopRouter(deps: PortalDeps): Router {
  const { config, logger, api } = deps;
  const pages = deps.shopPages;
  const { plans, languages, defaultLanguage } = pages;
  const store = deps.stores.orders;
  const limits = new BuyLimits(config, deps.stores.rates, store);
  const checkout = new Checkout(store, logger, config.publicBaseUrl, config.checkoutOrigins);
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 20 });
  const render = (view: string, path: string, data: Record<string, unknown>) => renderHtml(deps, view, path, data);
  const current = pages.catalog.bind(pages);

  /** A refusal: JSON for API clients, otherwise `page()` (the form again, with the message). */
  const fail = (req: Request, res: Response, status: number, message: string, retryAfter: number | undefined, page: () => string): void => {
    if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
    if (wantsJson(req)) {
      res.status(status).json({ error: message });
      return;
    }
    sendHtml(res, status, page());
  };
  const reRenderForm = (req: Request, res: Response, status: number, message: string, choices: Choices, retryAfter?: number): void =>
    fail(req, res, status, message, retryAfter, () => render('portal/buy', '/buy', pages.formData(choices, { idempotencyKey: randomUUID(), error: message })));

  const router = Router();

  router.get('/', (_req, res) => {
    sendHtml(res, 200, pages.homePage(), HOME_CACHE_CONTROL);
  });

  router.get('/buy', (req, res) => {
    sendHtml(res, 200, pages.buyPage(req.query.plan));
  });

  router.get('/cancel', (req, res) => {
    const choices = pages.choicesFromQuery(req.query);
    const html = render('portal/buy', '/buy', pages.formData(choices, {
      idempotencyKey: randomUUID(),
      title: 'Checkout cancelled',
      notice: 'Checkout cancelled: nothing was charged. Your choices are kept below whenever you are ready.',
    }));
    sendHtml(res, 200, html);
  });

  router.post('/buy', form, async (req, res) => {
    const cat = current();
    const shape = BuyForm.safeParse(req.body ?? {});
    const body = shape.success ? shape.data : {};
    const plan = TierName.safeParse(body.plan);
    const duration = Duration.safeParse(body.duration_months);
    const credit = CreditUsd.safeParse(body.credit_usd ?? '0');
    const language = body.language === undefined || body.language === '' ? defaultLanguage : body.language;
    const key = IdempotencyKey.safeParse(body.idempotency_key);
    const choices: Choices = {
      plan: plan.success && cat.tiers.has(plan.data) ? plan.data : cat.defaultTier,
      duration: duration.success ? duration.data : 1,
      credit: credit.success && cat.allowsCredit(credit.data) ? credit.data : 0,
      language: languages.has(language) ? language : defaultLanguage,
      subscribe: body.subscribe === '1',
      email: (body.email ?? '').trim().slice(0, 254),
    };
    const refuse = (status: number, message: string) => {
      logger.info({ reqId: req.id, status, reason: message }, 'order form refused');
      reRenderForm(req, res, status, message, choices);
    };
    if (!shape.success) return refuse(400, 'That form could not be read. Please check your choices and try again.');
    if (!plan.success || !cat.tiers.has(plan.data)) return refuse(422, 'Please choose one of the plans below.');
    if (!duration.success) return refuse(422, 'Please choose 1, 3 or 12 months.');
    if (!languages.has(language)) return refuse(422, 'Please choose one of the languages in the list.');
    if (!credit.success || !cat.allowsCredit(credit.data)) return refuse(400, 'That credit bundle is not available. Please choose one from the list.');
    if (!key.success) return refuse(400, 'This form has expired. Please check your choices and submit again.');
    const card = cat.card(choices.plan)!;
    if (choices.subscribe) {
      if (!card.subscription) return refuse(422, `${card.name} cannot renew automatically. Untick “Renew automatically every month” or choose another plan.`);
      if (!CustomerEmail.safeParse(choices.email).success) return refuse(422, 'Please enter your email address: it is needed to renew automatically.');
    } else if (!cat.sells(choices.plan, choices.duration)) {
      return refuse(422, `${card.name} is not sold for ${choices.duration} months. Please choose another length.`);
    }
    const client = clientKey(req);
    if (!(await store.byIdempotencyKey(key.data))) {
      // A re-post of an accepted form is the same order: only a new one is counted.
      const refused = await limits.admit(client);
      if (refused) {
        logger.info({ reqId: req.id, status: refused.status, reason: 'per-client order limit' }, 'order form refused');
        return reRenderForm(req, res, refused.status, refused.message, choices, refused.retryAfterSeconds);
      }
    }
    if (choices.subscribe) return subscribe(req, res, choices, key.data, card.name, client);
    if (choices.plan === 'trial') {
      // A trial lives 24 hours whatever the months (the API's rule); credit on a free plan would be a giveaway.
      choices.duration = 1;
      choices.credit = 0;
    }

    const outcome = await checkout.submit({
      idempotencyKey: key.data,
      reqId: req.id,
      what: 'order',
      order: { renewsRef: null, tier: choices.plan, durationMonths: choices.duration, creditUsd: choices.credit, language: choices.language, clientKey: client },
      send: (ref): Promise<ApiResult<Order>> =>
        api.createOrder(
          {
            tier: choices.plan,
            duration_months: choices.duration as DurationMonths,
            ...(choices.credit > 0 ? { credit_usd: choices.credit } : {}),
            language: choices.language,
            external_id: ref,
            product_name: productName(config.brand, card.name, choices.plan === 'trial' ? '24 hours' : monthsText(choices.duration)),
            success_url: `${config.publicBaseUrl}/thank-you?ref=${ref}`,
            cancel_url: `${config.publicBaseUrl}/cancel?${new URLSearchParams({ plan: choices.plan, duration_months: String(choices.duration), credit_usd: String(choices.credit), language: choices.language })}`,
          },
          key.data,
        ),
    });
    respond(req, res, outcome, (status, message, retryAfter) => reRenderForm(req, res, status, message, choices, retryAfter));
  });

  /** POST /buy with "Renew automatically every month": a subscription, paid on the same checkout. */
  const subscribe = async (req: Request, res: Response, choices: Choices, key: string, planName: string, client: string): Promise<void> => {
    const cancelQuery = new URLSearchParams({ plan: choices.plan, language: choices.language, subscribe: '1' });
    const outcome = await checkout.submit({
      idempotencyKey: key,
      reqId: req.id,
      what: 'subscription',
      order: {
        renewsRef: null,
        tier: choices.plan,
        durationMonths: 1,
        creditUsd: 0,
        language: choices.language,
        subscription: true,
        customerEmail: choices.email,
        clientKey: client,
      },
      send: (ref): Promise<ApiResult<Subscription>> =>
        api.createSubscription(
          {
            tier: choices.plan,
            currency: current().currency ?? 'usd',
            language: choices.language,
            success_url: `${config.publicBaseUrl}/thank-you?ref=${ref}`,
            cancel_url: `${config.publicBaseUrl}/cancel?${cancelQuery}`,
            customer_email: choices.email,
            product_name: productName(config.brand, planName, 'monthly'),
            external_id: ref,
          },
          key,
        ),
    });
    respond(req, res, outcome, (status, message, retryAfter) => reRenderForm(req, res, status, message, choices, retryAfter));
  };

  const respond = (
    req: Request,
    res: Response,
    outcome: SubmitOutcome,
    fail: (status: number, message: string, retryAfter?: number) => void,
  ): void => {
    switch (outcome.kind) {
      case 'redirect':
        res.redirect(303, outcome.location);
        return;
      case 'conflict':
        logger.info({ reqId: req.id }, 'idempotency key reused with different choices');
        fail(409, 'This form was already used for another order. Please check your choices and submit again.');
        return;
      case 'failed':
        fail(outcome.status, outcome.message, outcome.retryAfterSeconds);
    }
  };

  type Found = { order: OrderRow; original: OrderRow | undefined } | undefined;
  const lookup = async (ref: unknown): Promise<Found> => {
    const parsed = Ref.safeParse(ref);
    if (!parsed.success) return undefined;
    const order = await store.byRef(parsed.data);
    if (!order) return undefined;
    return { order, original: order.renews_ref ? await store.byRef(order.renews_ref) : undefined };
  };

  const statusPage = (found: Found, renewError?: string, subscriptionError?: string): string => {
    if (!found) return render('portal/thank-you', '/thank-you', { title: 'Thank you', order: null });
    const { order, original } = found;
    const subscription = subscriptionView(order);
    const base = statusView(order, original);
    // A running subscription renews by itself: no second way to pay for the same month.
    const view = subscription?.cancellable ? { ...base, renewable: false } : base;
    const cat = current();
    return render('portal/thank-you', '/thank-you', {
      title: view.pill,
      order,
      view,
      planName: cat.card(order.tier)?.name ?? order.tier,
      originalRef: original?.ref ?? null,
      renewDurations: view.renewable ? cat.durations(order.tier) : [],
      idempotencyKey: randomUUID(),
      renewError,
      subscription,
      subscriptionError,
      supportEmail: plans.support_email ?? null,
      metaRefresh: view.final ? undefined : 5,
      script: view.final ? undefined : '/static/js/order-status.js',
    });
  };

  router.get('/thank-you', async (req, res) => {
    sendHtml(res, 200, statusPage(await lookup(req.query.ref)));
  });

  router.get('/thank-you/status', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const found = await lookup(req.query.ref);
    if (!found) {
      res.status(404).json({ error: 'There is no order with that reference.' });
      return;
    }
    const view = statusView(found.order, found.original);
    res.json({ status: view.status, final: view.final });
  });

  router.post('/renew', form, async (req, res) => {
    const shape = RenewForm.safeParse(req.body ?? {});
    const body = shape.success ? shape.data : {};
    const found = await lookup(body.ref);
    if (!found) {
      sendError(deps, req, res, 404, 'We could not find that order. Please use the link from your order page.');
      return;
    }
    const refuse = (status: number, message: string, retryAfter?: number) => fail(req, res, status, message, retryAfter, () => statusPage(found, message));
    const { order } = found;
    const view = statusView(order, found.original);
    if (!renewableTier(order.tier)) return refuse(409, 'A trial cannot be renewed. Choose a plan to keep an agent running.');
    if (!view.renewable || order.api_order_id === null) return refuse(409, 'This order has no agent to renew.');
    const duration = Duration.safeParse(body.duration_months);
    if (!duration.success) return refuse(422, 'Please choose 1, 3 or 12 months.');
    const key = IdempotencyKey.safeParse(body.idempotency_key);
    if (!key.success) return refuse(400, 'This form has expired. Please choose a duration and submit again.');
    const apiOrderId = order.api_order_id;
    const client = clientKey(req);
    if (!(await store.byIdempotencyKey(key.data))) {
      const refused = await limits.admit(client);
      if (refused) return refuse(refused.status, refused.message, refused.retryAfterSeconds);
    }

    const outcome = await checkout.submit({
      idempotencyKey: key.data,
      reqId: req.id,
      what: 'renewal',
      order: { renewsRef: order.ref, tier: order.tier, durationMonths: duration.data, creditUsd: 0, language: order.language, clientKey: client },
      send: (ref) =>
        api.renewOrder(
          apiOrderId,
          {
            duration_months: duration.data,
            external_id: ref,
            success_url: `${config.publicBaseUrl}/thank-you?ref=${ref}`,
            cancel_url: `${config.publicBaseUrl}/thank-you?ref=${order.ref}`,
          },
          key.data,
        ),
    });
    respond(req, res, outcome, refuse);
  });

  router.post('/subscription/cancel', form, async (req, res) => {
    const shape = CancelSubscriptionForm.safeParse(req.body ?? {});
    const body = shape.success ? shape.data : {};
    const found = await lookup(body.ref);
    if (!found) {
      sendError(deps, req, res, 404, 'We could not find that order. Please use the link from your order page.');
      return;
    }
    const refuse = (status: number, message: string) => fail(req, res, status, message, undefined, () => statusPage(found, undefined, message));
    const key = IdempotencyKey.safeParse(body.idempotency_key);
    if (!key.success) return refuse(400, 'This form has expired. Please try again from this page.');
    const outcome = await cancelSubscription({ api, orders: store, logger }, found.order, key.data, req.id);
    if (!outcome.ok) return refuse(outcome.status, outcome.message);
    res.redirect(303, `${config.publicBaseUrl}/thank-you?ref=${found.order.ref}`);
  });

  return router;
}

const monthsText = (months: number) => (months === 1 ? '1 month' : `${months} months`);

/** The checkout's line item, so the customer sees the shop's brand: "ExampleAI Starter · 3 months". */
export function productName(brand: string, planName: string, duration: string): string {
  return `${brand} ${planName} · ${duration}`.slice(0, 200);
}
