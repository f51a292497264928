import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { PortalDeps } from '../deps.js';
import { loadPlans } from '../shop/plans.js';
import { adminAuth } from './auth.js';
import { CSRF_FIELD, CsrfTokens, sameOrigin } from './csrf.js';
import { dnsRoutes } from './dns-routes.js';
import { sendInquiriesCsv, sendOrdersCsv } from './export.js';
import { describeFailure, revenueChart, sections } from './partner.js';
import { attentionCount, type Attention } from './queries.js';
import { renderAdmin, renderAdminMessage } from './render.js';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const cursor = z.preprocess(blankToUndefined, z.string().regex(/^\d{1,15}$/, { error: 'must be a row number' }).transform(Number).optional());
const Paging = { before: cursor, after: cursor };

const EventsQuery = z.object({
  ...Paging,
  type: z.preprocess(blankToUndefined, z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must be an event type' }).optional()),
  q: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z.string().max(200, { error: 'must be at most 200 characters' }).optional(),
  ),
});
const PageQuery = z.object(Paging);
const InquiriesQuery = z.object({
  ...Paging,
  fast_track: z.preprocess(blankToUndefined, z.enum(['1', '0']).optional()),
  show: z.preprocess(blankToUndefined, z.enum(['open', 'handled', 'all']).default('open')),
});
const OrderQuery = z.object({ refreshed: z.preprocess(blankToUndefined, z.enum(['changed', 'same']).optional()) });
const HandledForm = z.object({ handled: z.enum(['1', '0']), back: z.string().max(300).optional() });
const REF = /^[A-Za-z0-9_-]{1,128}$/;

export type Parse = <S extends z.ZodType>(schema: S, req: Request, res: Response, tab: string) => z.infer<S> | undefined;
export type Page = (req: Request, res: Response, view: string, data: Record<string, unknown>, status?: number) => Promise<void>;

/**
 * /admin: the partner's staff console behind HTTP Basic. /admin itself is the event browser;
 * every other view is a tab of views/admin/layout.eta. Server-rendered, no JavaScript needed.
 */
export function adminRouter(deps: PortalDeps): Router {
  const { config, logger } = deps;
  const router = Router();
  const { admin: queries, orders, inquiries } = deps.stores;
  const csrf = new CsrfTokens(deps.db);
  const planNames = new Map(loadPlans(config.plansFile).plans.map((p) => [p.tier as string, p.name]));
  const size = config.adminPageSize;
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

  router.use(...adminAuth(deps));

  const user = (req: Request) => (req as Request & { auth?: { user: string } }).auth?.user ?? '';
  const page: Page = async (req, res, view, data, status = 200) => {
    const now = Date.now();
    // The tab's badge: a few indexed, bounded reads (see AdminReads.attention).
    const attention = (data['attention'] as Attention | undefined) ?? (await queries.attention(now));
    const common = { signedIn: true, csrfField: CSRF_FIELD, csrfToken: csrf.issue(user(req)), planNames, now, attentionCount: attentionCount(attention) };
    renderAdmin(deps, req, res, view, { ...common, ...data }, status);
  };
  const parse: Parse = (schema, req, res, tab) => {
    const parsed = schema.safeParse(req.query);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'query';
    renderAdminMessage(deps, req, res, 400, { title: 'That filter is not valid', message: `${field}: ${issue?.message ?? 'not valid'}`, tab: tab as never, signedIn: true });
    return undefined;
  };

  // Every state-changing request: same origin (when the browser says) and a valid token.
  const guard: RequestHandler = (req, res, next) => {
    if (!sameOrigin(req, config.publicBaseUrl)) {
      logger.warn({ reqId: req.id, origin: req.headers.origin ?? null }, 'admin: cross-origin form refused');
      return renderAdminMessage(deps, req, res, 403, { title: 'Form refused', message: 'This form was sent from another site. Open the admin page and try again.', signedIn: true });
    }
    const body = req.body as Record<string, unknown> | undefined;
    if (!csrf.check(user(req), body?.[CSRF_FIELD])) {
      logger.warn({ reqId: req.id }, 'admin: form without a valid CSRF token refused');
      return renderAdminMessage(deps, req, res, 403, { title: 'Form expired', message: 'This form is missing its security token or it has expired. Reload the page and try again.', signedIn: true });
    }
    next();
  };
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    form(req, res, (err?: unknown) => (err ? next(err) : guard(req, res, next)));
  });

  router.get('/', async (req, res) => {
    const query = parse(EventsQuery, req, res, 'events');
    if (!query) return;
    const filter = { type: query.type, q: query.q || undefined };
    const [result, types, total] = await Promise.all([queries.eventsPage(filter, query, size), queries.eventTypes(), queries.eventTotal(filter)]);
    await page(req, res, 'events', {
      title: 'Events',
      tab: 'events',
      filter,
      types,
      page: result,
      total,
      links: await queries.orderLinks(result.rows),
      atNewest: query.before === undefined && query.after === undefined,
    });
  });

  router.get('/attention', async (req, res) => {
    await page(req, res, 'attention', { title: 'Needs attention', tab: 'attention', attention: await queries.attention(Date.now()) });
  });

  router.get('/rejected', async (req, res) => {
    const query = parse(PageQuery, req, res, 'rejected');
    if (!query) return;
    await page(req, res, 'rejected', { title: 'Rejected deliveries', tab: 'rejected', page: await queries.rejected(query, size) });
  });

  router.get('/orders', async (req, res) => {
    const query = parse(PageQuery, req, res, 'orders');
    if (!query) return;
    const [result, total] = await Promise.all([queries.orders(query, size), queries.ordersTotal()]);
    await page(req, res, 'orders', { title: 'Orders', tab: 'orders', page: result, total });
  });

  router.get('/orders.csv', async (_req, res) => {
    await sendOrdersCsv(res, queries.allOrders(), Date.now());
  });

  router.get('/orders/:ref', async (req, res) => {
    const ref = req.params.ref;
    const found = REF.test(ref) ? await queries.order(ref) : undefined;
    if (!found) {
      return renderAdminMessage(deps, req, res, 404, { title: 'No such order', message: 'There is no local order with that reference.', tab: 'orders', signedIn: true });
    }
    const query = OrderQuery.safeParse(req.query);
    await page(req, res, 'order', {
      title: `Order ${ref}`,
      tab: 'orders',
      ...found,
      statusUrl: `${config.publicBaseUrl}/thank-you?ref=${encodeURIComponent(ref)}`,
      refreshed: query.success ? query.data.refreshed : undefined,
    });
  });

  // Asks mintbot for the order now (GET /orders/{id}) and applies what it says, as the poller does.
  router.post('/orders/:ref/refresh', async (req, res) => {
    const ref = req.params.ref;
    const found = REF.test(ref) ? await queries.order(ref) : undefined;
    if (!found) {
      return renderAdminMessage(deps, req, res, 404, { title: 'No such order', message: 'There is no local order with that reference.', tab: 'orders', signedIn: true });
    }
    const apiId = found.order.api_order_id;
    if (apiId === null) {
      return await page(req, res, 'order', { title: `Order ${ref}`, tab: 'orders', ...found, statusUrl: `${config.publicBaseUrl}/thank-you?ref=${encodeURIComponent(ref)}`, refreshError: 'mintbot has no id for this order yet (it was never created there), so there is nothing to ask for.' }, 409);
    }
    const result = await deps.api.getOrder(apiId);
    if (!result.ok) {
      const message = describeFailure('Refreshing from the API', result.error);
      logger.warn({ reqId: req.id, ref, notice: message }, 'admin: order refresh failed');
      return await page(req, res, 'order', { title: `Order ${ref}`, tab: 'orders', ...found, statusUrl: `${config.publicBaseUrl}/thank-you?ref=${encodeURIComponent(ref)}`, refreshError: message }, 502);
    }
    const changed = await orders.applyApiOrder(ref, result.value);
    logger.info({ reqId: req.id, ref, changed }, 'admin: order refreshed from the API');
    res.redirect(303, `/admin/orders/${encodeURIComponent(ref)}?refreshed=${changed ? 'changed' : 'same'}`);
  });

  router.get('/inquiries', async (req, res) => {
    const query = parse(InquiriesQuery, req, res, 'inquiries');
    if (!query) return;
    const filter = { handled: query.show, fastTrackOnly: query.fast_track === '1' };
    await page(req, res, 'inquiries', { title: 'Inquiries', tab: 'inquiries', filter, page: await queries.inquiries(filter, query, size), back: req.originalUrl });
  });

  router.get('/inquiries.csv', async (_req, res) => {
    await sendInquiriesCsv(res, queries.allInquiries(), Date.now());
  });

  router.post('/inquiries/:id/handled', async (req, res) => {
    const id = /^\d{1,15}$/.test(req.params.id) ? Number(req.params.id) : NaN;
    const parsed = HandledForm.safeParse(req.body ?? {});
    if (!parsed.success || Number.isNaN(id)) {
      return renderAdminMessage(deps, req, res, 400, { title: 'Not a valid request', message: 'Use the button on the inquiries page.', tab: 'inquiries', signedIn: true });
    }
    const handled = parsed.data.handled === '1';
    if (!(await inquiries.markHandled(id, handled ? { at: Date.now(), by: user(req) } : null))) {
      return renderAdminMessage(deps, req, res, 404, { title: 'No such inquiry', message: 'That inquiry does not exist.', tab: 'inquiries', signedIn: true });
    }
    logger.info({ reqId: req.id, inquiry: id, handled }, 'admin: inquiry marked');
    // Back to the list it came from (only ever an inquiries page of this console).
    const back = parsed.data.back && /^\/admin\/inquiries(\?[A-Za-z0-9_=&%.-]*)?$/.test(parsed.data.back) ? parsed.data.back : '/admin/inquiries';
    res.redirect(303, back);
  });

  router.get('/partner', async (req, res) => {
    const { api } = deps;
    const [partner, revenue, settings] = await Promise.all([api.getPartner(), api.getRevenue(), api.getSettings()]);
    const notices: string[] = [];
    if (!partner.ok) notices.push(describeFailure('Partner profile', partner.error));
    if (!revenue.ok) notices.push(describeFailure('Revenue', revenue.error));
    if (!settings.ok) notices.push(describeFailure('Settings', settings.error));
    for (const n of notices) logger.warn({ reqId: req.id, notice: n }, 'admin: partner page could not load everything');
    await page(req, res, 'partner', {
      title: 'Partner',
      tab: 'partner',
      notices,
      partner: partner.ok ? partner.value : null,
      revenue: revenue.ok ? revenue.value : null,
      chart: revenue.ok ? revenueChart(revenue.value) : null,
      settings: settings.ok ? settings.value : null,
      sections: settings.ok ? sections(settings.value) : [],
    });
  });

  router.use('/dns', dnsRoutes(deps, page));

  // Anything else under /admin: an admin-styled 404 (signed in already, so it may say so).
  router.use((req, res) => renderAdminMessage(deps, req, res, 404, { title: 'Not found', message: 'There is no admin page at this address.', signedIn: true }));
  return router;
}
