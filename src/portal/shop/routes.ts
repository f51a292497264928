import { randomUUID } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { CustomerEmail, DurationMonths, TierName, type Order, type Subscription } from '../../contract/index.js';
import { clientIp } from '../../lib/client-ip.js';
import type { ApiResult } from '../mintoffice/client.js';
import type { PortalDeps } from '../deps.js';
import { customerError, messageKey, type CustomerError } from '../http/customer-errors.js';
import { sendError } from '../http/errors.js';
import { pageLanguage, plainQuery, requestLanguage, type PageLanguage } from '../http/language.js';
import { renderHtml, wantsJson } from '../http/render.js';
import { PaymentCheck } from '../orders/payment-check.js';
import type { OrderRow } from '../orders/store.js';
import { Checkout, type SubmitOutcome } from './checkout.js';
import { BuyLimits } from './limits.js';
import { HOME_CACHE_CONTROL, sendHtml } from './fast-path.js';
import type { Choices } from './pages.js';
import { renewableTier, statusView, subscriptionView } from './status-view.js';
import { cancelSubscription } from './subscriptions.js';

const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const Ref = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/);
const Duration = z.enum(['1', '3', '12']).transform((v) => DurationMonths.parse(Number(v)));
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

const CancelSubscriptionForm = z.object({
  ref: z.string().max(100).optional(),
  idempotency_key: z.string().max(100).optional(),
});

const clientKey = (req: Request): string => clientIp(req) ?? 'unknown';

const RenewForm = z.object({
  ref: z.string().max(100).optional(),
  duration_months: z.string().max(4).optional(),
  idempotency_key: z.string().max(100).optional(),
});

/** A refused form: what went wrong and, when it is one field's fault, which (the error summary links to it). */
interface FormProblem {
  error: CustomerError;
  field?: 'plan' | 'duration_months' | 'credit_usd' | 'language' | 'email';
}

/** A refused status-page form, shown in its place with the request id that finds its log line. */
interface FormError {
  message: string;
  reference: string;
}

/** Which of the status page's forms was refused: renew, or cancel the subscription. */
type StatusFormErrors = { renew?: FormError; subscription?: FormError };

/** How long the no-script status page waits before it reloads itself while the order is moving. */
const STATUS_META_REFRESH_SECONDS = 2;

/**
 * The storefront: plan cards, the picker, POST /buy → API order → 303 to checkout, the live status
 * page (+ its JSON), cancel, renew. No page view waits on the API: prices and credit options come
 * from the settings cache, and pages that do not depend on the request are rendered once per
 * settings snapshot and language (see ShopPages; GET / and /buy are usually answered by the fast path).
 */
export function shopRouter(deps: PortalDeps): Router {
  const { config, logger, api, i18n } = deps;
  const pages = deps.shopPages;
  const { plans, languages, defaultLanguage } = pages;
  const store = deps.stores.orders;
  const limits = new BuyLimits(config, deps.stores.rates, store);
  const checkout = new Checkout(store, logger, config.publicBaseUrl, config.checkoutOrigins);
  const paymentCheck = new PaymentCheck(api, store, logger);
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 20 });
  const render = (view: string, path: string, data: Record<string, unknown>, language: PageLanguage) => renderHtml(deps, view, path, data, language);
  const current = pages.catalog.bind(pages);

  /** A refusal: JSON for API clients, otherwise `page()` (the form again, with the message). */
  const fail = (req: Request, res: Response, error: CustomerError, lang: string, page: () => string): void => {
    if (error.retryAfterSeconds) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    if (wantsJson(req)) {
      res.status(error.status).json({ error: i18n.for(lang).t(messageKey(error), error.values) });
      return;
    }
    sendHtml(res, error.status, page(), lang);
  };

  /** The picker with these choices, in `lang`; with a refusal's error summary or a notice. */
  const pickerPage = (choices: Choices, lang: string, extra: { problem?: FormProblem; notice?: string; title?: string; requestId?: string }): string => {
    const language = pageLanguage(i18n, lang, '/buy', { plan: choices.plan });
    const { tr } = language;
    const problem = extra.problem;
    const errorSummary = problem
      ? { message: tr.t(messageKey(problem.error), problem.error.values), href: problem.field ? `#${fieldAnchor(problem.field, choices)}` : null, reference: problem.field ? null : extra.requestId ?? null }
      : null;
    return render('portal/buy', '/buy', pages.formData(choices, { idempotencyKey: randomUUID(), errorSummary, notice: extra.notice, ...(extra.title ? { title: extra.title } : {}) }, tr), language);
  };
  const fieldAnchor = (field: NonNullable<FormProblem['field']>, choices: Choices): string =>
    field === 'plan' ? `plan-${choices.plan}` : field === 'duration_months' ? `duration-${choices.duration}` : field === 'credit_usd' ? `credit-${choices.credit}` : field === 'email' ? 'email' : 'language';

  const router = Router();

  router.get('/', (req, res) => {
    const lang = requestLanguage(i18n, req, res);
    sendHtml(res, 200, pages.homePage(lang), lang, HOME_CACHE_CONTROL);
  });

  router.get('/buy', (req, res) => {
    const lang = requestLanguage(i18n, req, res, { picked: req.query.language });
    const onlyPlan = Object.keys(req.query).every((k) => k === 'plan' || k === 'lang');
    if (onlyPlan) return sendHtml(res, 200, pages.buyPage(req.query.plan, lang), lang);
    // The picker's "Update summary" without script: the same page for the choices in the URL.
    sendHtml(res, 200, pickerPage(pages.choicesFromQuery(req.query, lang), lang, {}), lang);
  });

  router.get('/cancel', (req, res) => {
    const lang = requestLanguage(i18n, req, res, { picked: req.query.language });
    const tr = i18n.for(lang);
    const choices = pages.choicesFromQuery(req.query, lang);
    sendHtml(res, 200, pickerPage(choices, lang, { title: tr.t('cancel.title'), notice: tr.t('cancel.notice') }), lang);
  });

  router.post('/buy', form, async (req, res) => {
    const cat = current();
    const shape = BuyForm.safeParse(req.body ?? {});
    const body = shape.success ? shape.data : {};
    const plan = TierName.safeParse(body.plan);
    const trial = plan.success && plan.data === 'trial';
    // Absent when the picker hid them (a trial has neither): one month, no credit.
    const duration = Duration.safeParse(body.duration_months ?? '1');
    const credit = CreditUsd.safeParse(body.credit_usd ?? '0');
    const language = body.language === undefined || body.language === '' ? defaultLanguage : body.language;
    const key = IdempotencyKey.safeParse(body.idempotency_key);
    const lang = requestLanguage(i18n, req, res, { picked: language });
    const choices: Choices = {
      plan: plan.success && cat.tiers.has(plan.data) ? plan.data : cat.defaultTier,
      duration: duration.success ? duration.data : 1,
      credit: credit.success && cat.allowsCredit(credit.data) ? credit.data : 0,
      language: languages.has(language) ? language : defaultLanguage,
      subscribe: body.subscribe === '1',
      email: (body.email ?? '').trim().slice(0, 254),
    };
    const refuse = (problem: FormProblem) => {
      logger.info({ reqId: req.id, status: problem.error.status, reason: problem.error.name }, 'order form refused');
      fail(req, res, problem.error, lang, () => pickerPage(choices, lang, { problem, requestId: req.id }));
    };
    if (!shape.success) return refuse({ error: customerError('form_unreadable') });
    if (!plan.success || !cat.tiers.has(plan.data)) return refuse({ error: customerError('plan_unknown'), field: 'plan' });
    if (!duration.success) return refuse({ error: customerError('duration_unknown'), field: 'duration_months' });
    if (!languages.has(language)) return refuse({ error: customerError('language_unknown'), field: 'language' });
    if (!credit.success || !cat.allowsCredit(credit.data)) return refuse({ error: customerError('credit_unavailable'), field: 'credit_usd' });
    if (!key.success) return refuse({ error: customerError('form_expired') });
    if (choices.subscribe) {
      if (cat.subscriptionCents(choices.plan) === null) return refuse({ error: customerError('subscribe_not_available'), field: 'plan' });
      if (!CustomerEmail.safeParse(choices.email).success) return refuse({ error: customerError('subscribe_email_missing'), field: 'email' });
    } else if (!cat.sells(choices.plan, choices.duration)) {
      return refuse({ error: customerError('duration_not_sold'), field: 'duration_months' });
    }
    if (trial && (choices.duration !== 1 || choices.credit !== 0)) {
      // Said, not silently dropped: the customer picked months or credit, then a trial (without script).
      logger.info({ reqId: req.id }, 'trial ordered with months or credit: set aside, form shown again');
      choices.duration = 1;
      choices.credit = 0;
      if (!wantsJson(req)) return sendHtml(res, 200, pickerPage(choices, lang, { notice: i18n.for(lang).t('buy.trialIgnored') }), lang);
    }
    const client = clientKey(req);
    if (!(await store.byIdempotencyKey(key.data))) {
      // A re-post of an accepted form is the same order: only a new one is counted.
      const refused = await limits.admit(client);
      if (refused) {
        logger.info({ reqId: req.id, status: refused.status, reason: 'per-client order limit' }, 'order form refused');
        return fail(req, res, refused, lang, () => pickerPage(choices, lang, { problem: { error: refused }, requestId: req.id }));
      }
    }
    if (choices.subscribe) return subscribe(req, res, choices, key.data, client, refuse);

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
            product_name: productName(choices, trial ? 'trial' : 'months'),
            success_url: successUrl(ref),
            cancel_url: `${config.publicBaseUrl}/cancel?${new URLSearchParams({ plan: choices.plan, duration_months: String(choices.duration), credit_usd: String(choices.credit), language: choices.language })}`,
          },
          key.data,
        ),
    });
    respond(req, res, outcome, (problem) => refuse(problem));
  });

  /**
   * The checkout's line item, so the customer sees the shop's brand in their language:
   * "<brand> <plan> · <length>", e.g. "ExampleAI Starter · 3 months", "ExampleAI Team · monatlich".
   */
  const productName = (choices: Choices, length: 'trial' | 'months' | 'monthly'): string => {
    const tr = i18n.for(choices.language);
    const duration = length === 'trial' ? tr.t('duration.trial') : length === 'monthly' ? tr.t('duration.monthly') : tr.t('duration.months', { n: choices.duration });
    return `${config.brand} ${current().copy(choices.plan, tr.lang).name} · ${duration}`.slice(0, 200);
  };

  /** POST /buy with "Renew automatically every month": a subscription, paid on the same checkout. */
  const subscribe = async (req: Request, res: Response, choices: Choices, key: string, client: string, refuse: (problem: FormProblem) => void): Promise<void> => {
    const cancelQuery = new URLSearchParams({ plan: choices.plan, language: choices.language, subscribe: '1' });
    const outcome = await checkout.submit({
      idempotencyKey: key,
      reqId: req.id,
      what: 'subscription',
      order: { renewsRef: null, tier: choices.plan, durationMonths: 1, creditUsd: 0, language: choices.language, clientKey: client, subscription: true, customerEmail: choices.email },
      send: (ref): Promise<ApiResult<Subscription>> =>
        api.createSubscription(
          {
            tier: choices.plan,
            currency: current().currency ?? 'usd',
            language: choices.language,
            success_url: successUrl(ref),
            cancel_url: `${config.publicBaseUrl}/cancel?${cancelQuery}`,
            customer_email: choices.email,
            product_name: productName(choices, 'monthly'),
            external_id: ref,
          },
          key,
        ),
    });
    respond(req, res, outcome, refuse);
  };

  /** Where the checkout sends a customer who paid: the status page, told not to offer paying again. */
  const successUrl = (ref: string) => `${config.publicBaseUrl}/thank-you?ref=${ref}&paid=1`;

  const respond = (req: Request, res: Response, outcome: SubmitOutcome, refuse: (problem: FormProblem) => void): void => {
    switch (outcome.kind) {
      case 'redirect':
        res.redirect(303, outcome.location);
        return;
      case 'conflict':
        logger.info({ reqId: req.id }, 'idempotency key reused with different choices');
        refuse({ error: customerError('form_used') });
        return;
      case 'failed':
        refuse({ error: outcome.error });
    }
  };

  type Found = { order: OrderRow; original: OrderRow | undefined };
  const lookup = async (ref: unknown): Promise<Found | undefined> => {
    const parsed = Ref.safeParse(ref);
    if (!parsed.success) return undefined;
    const order = await store.byRef(parsed.data);
    if (!order) return undefined;
    return { order, original: order.renews_ref ? await store.byRef(order.renews_ref) : undefined };
  };

  /** A version of what the status page shows: it changes whenever the order (or the agent it renews) does. */
  const versionOf = (found: Found) => `${found.order.status}.${found.order.updated_at}.${found.original?.updated_at ?? 0}`;

  /** The data of the status region (the part that updates in place), in `lang`. */
  const statusData = (found: Found, language: PageLanguage, fromCheckout: boolean, errors: StatusFormErrors = {}) => {
    const { order, original } = found;
    const { tr } = language;
    const subscription = subscriptionView(order, tr);
    const base = statusView(order, tr, { original, fromCheckout });
    // A running subscription renews by itself: no second way to pay for the same month.
    const view = subscription?.cancellable ? { ...base, renewable: false } : base;
    const cat = current();
    return {
      title: view.pill,
      order,
      view,
      subscription,
      version: versionOf(found),
      fromCheckout,
      planName: cat.card(order.tier, tr)?.name ?? order.tier,
      originalRef: original?.ref ?? null,
      renewDurations: view.renewable ? cat.durations(order.tier, tr) : [],
      idempotencyKey: randomUUID(),
      renewError: errors.renew,
      subscriptionError: errors.subscription,
      supportEmail: plans.support_email ?? null,
      selfUrl: `/thank-you?${new URLSearchParams({ ref: order.ref, ...(fromCheckout ? { paid: '1' } : {}) })}`,
    };
  };

  const statusPage = (req: Request, res: Response, found: Found | undefined, errors?: StatusFormErrors): { html: string; lang: string } => {
    const lang = requestLanguage(i18n, req, res, { order: found?.order.language });
    const fromCheckout = req.query.paid === '1';
    // The switcher keeps the order in its links only when there is one (an unknown ref is not echoed).
    const language = pageLanguage(i18n, lang, '/thank-you', found ? plainQuery(req.originalUrl, ['ref', 'paid']) : {});
    if (!found) return { html: render('portal/thank-you', '/thank-you', { title: language.tr.t('thankYou.title'), order: null }, language), lang };
    const data = statusData(found, language, fromCheckout, errors);
    const html = render('portal/thank-you', '/thank-you', {
      ...data,
      metaRefresh: data.view.final ? undefined : { seconds: STATUS_META_REFRESH_SECONDS, url: data.selfUrl },
      script: data.view.final ? undefined : '/static/js/order-status.js',
    }, language);
    return { html, lang };
  };

  router.get('/thank-you', async (req, res) => {
    const found = await lookup(req.query.ref);
    // Back from paying before the webhook: ask the API once now (rate-limited per order).
    if (found && req.query.paid === '1') void paymentCheck.askOnce(found.order, req.id);
    const { html, lang } = statusPage(req, res, found);
    sendHtml(res, 200, html, lang);
  });

  /**
   * The status page's script asks here every half second while the order is moving. With
   * `version` (what it shows) it gets `html` for the status region only when that changed.
   */
  router.get('/thank-you/status', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const found = await lookup(req.query.ref);
    const lang = requestLanguage(i18n, req, undefined, { order: found?.order.language });
    if (!found) {
      res.status(404).json({ error: i18n.for(lang).t('errors.order_not_found') });
      return;
    }
    const fromCheckout = req.query.paid === '1';
    const language = pageLanguage(i18n, lang, '/thank-you', { ref: found.order.ref, ...(fromCheckout ? { paid: '1' } : {}) });
    const data = statusData(found, language, fromCheckout);
    const changed = typeof req.query.version === 'string' && req.query.version !== data.version;
    res.json({
      status: data.view.status,
      final: data.view.final,
      version: data.version,
      ...(changed ? { title: `${data.title} · ${config.brand}`, html: render('portal/status-region', '/thank-you', data, language) } : {}),
    });
  });

  /**
   * The order a status-page form (renew, cancel the subscription) is about, in the order's
   * language, and how to refuse that form: its status page again with the message in the form's
   * place. Undefined (after answering "not found") when the form names no known order.
   */
  const statusFormContext = async (req: Request, res: Response, ref: unknown, place: keyof StatusFormErrors) => {
    const found = await lookup(ref);
    if (!found) {
      sendError(deps, req, res, customerError('order_not_found'));
      return undefined;
    }
    const lang = requestLanguage(i18n, req, res, { order: found.order.language });
    const tr = i18n.for(lang);
    const refuse = (problem: FormProblem) => {
      const shown = { message: tr.t(messageKey(problem.error), problem.error.values), reference: req.id };
      fail(req, res, problem.error, lang, () => statusPage(req, res, found, { [place]: shown }).html);
    };
    return { found, tr, refuse };
  };

  router.post('/renew', form, async (req, res) => {
    const shape = RenewForm.safeParse(req.body ?? {});
    const body = shape.success ? shape.data : {};
    const context = await statusFormContext(req, res, body.ref, 'renew');
    if (!context) return;
    const { found, tr, refuse } = context;
    const { order } = found;
    const view = statusView(order, tr, { original: found.original });
    if (!renewableTier(order.tier)) return refuse({ error: customerError('renew_trial') });
    if (!view.renewable || order.api_order_id === null) return refuse({ error: customerError('renew_no_agent') });
    const duration = Duration.safeParse(body.duration_months);
    if (!duration.success) return refuse({ error: customerError('duration_unknown') });
    const key = IdempotencyKey.safeParse(body.idempotency_key);
    if (!key.success) return refuse({ error: customerError('form_expired') });
    const apiOrderId = order.api_order_id;
    const client = clientKey(req);
    if (!(await store.byIdempotencyKey(key.data))) {
      const refused = await limits.admit(client);
      if (refused) return refuse({ error: refused });
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
            success_url: successUrl(ref),
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
    const context = await statusFormContext(req, res, body.ref, 'subscription');
    if (!context) return;
    const { found, refuse } = context;
    const key = IdempotencyKey.safeParse(body.idempotency_key);
    if (!key.success) return refuse({ error: customerError('form_expired') });
    const outcome = await cancelSubscription({ api, orders: store, logger }, found.order, key.data, req.id);
    if (!outcome.ok) return refuse({ error: customerError(outcome.error) });
    res.redirect(303, `${config.publicBaseUrl}/thank-you?ref=${found.order.ref}`);
  });

  return router;
}

