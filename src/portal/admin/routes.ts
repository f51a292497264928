import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { PortalDeps } from '../deps.js';
import { loadPlans } from '../shop/plans.js';
import { adminAuth } from './auth.js';
import type { AdminContext } from './context.js';
import { CSRF_FIELD, CsrfTokens, sameOrigin } from './csrf.js';
import { dnsRoutes } from './dns-routes.js';
import { eventRoutes } from './events-routes.js';
import { inquiryRoutes } from './inquiries-routes.js';
import { orderRoutes } from './orders-routes.js';
import { describeFailure, revenueChart, sections } from './partner.js';
import { attentionCount, type Attention } from './queries.js';
import { renderAdmin, renderAdminMessage } from './render.js';

/** From this share of the deploy quota held by unpaid orders, every admin page says so. */
export const ATTENTION_SHARE = 0.7;

/** "Needs attention" text when unpaid orders hold most deploy slots, else null. */
export function quotaAttention(unpaid: number, quota: number): string | null {
  if (unpaid < Math.ceil(quota * ATTENTION_SHARE)) return null;
  return `${unpaid} of ${quota} deploy slots are held by orders waiting for payment. Once every slot is taken, customers see "Sold out". Unpaid orders lapse after 24 hours; if these look like one client, check the Orders tab and BUY_OPEN_ORDERS_LIMIT.`;
}

/**
 * /admin: the partner's staff console behind HTTP Basic. /admin itself is the event browser;
 * every other view is a tab of views/admin/layout.eta. Server-rendered, no JavaScript needed.
 * Each tab's routes live in their own module and get an AdminContext from here.
 */
export function adminRouter(deps: PortalDeps): Router {
  const router = Router();
  const csrf = new CsrfTokens(deps.db);
  const ctx = adminContext(deps, csrf);
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

  router.use(...adminAuth(deps));
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    form(req, res, (err?: unknown) => (err ? next(err) : csrfGuard(deps, csrf, ctx.user)(req, res, next)));
  });
  router.use(eventRoutes(ctx));
  router.use(orderRoutes(ctx));
  router.use(inquiryRoutes(ctx));
  router.get('/partner', partnerPage(ctx));
  router.use('/dns', dnsRoutes(deps, ctx.page));
  // Anything else under /admin: an admin-styled 404 (signed in already, so it may say so).
  router.use((req, res) => ctx.message(req, res, 404, null, 'Not found', 'There is no admin page at this address.'));
  return router;
}

function adminContext(deps: PortalDeps, csrf: CsrfTokens): AdminContext {
  const planNames = new Map(loadPlans(deps.config.plansFile).plans.map((p) => [p.tier as string, p.name]));
  const user = (req: Request) => (req as Request & { auth?: { user: string } }).auth?.user ?? '';
  const message: AdminContext['message'] = (req, res, status, tab, title, text) =>
    renderAdminMessage(deps, req, res, status, { title, message: text, ...(tab ? { tab } : {}), signedIn: true });
  return {
    deps,
    user,
    message,
    async page(req, res, view, data, status = 200) {
      const now = Date.now();
      // The tab's badge: a few indexed, bounded reads (see AdminReads.attention).
      const [attention, unpaid] = await Promise.all([
        (data['attention'] as Attention | undefined) ?? deps.stores.admin.attention(now),
        deps.stores.admin.unpaidOpen(),
      ]);
      // Unpaid orders holding most deploy slots: a banner on every page, and an item on the view.
      const quotaNotice = quotaAttention(unpaid, deps.config.deployQuota);
      const badge = attentionCount(attention) + (quotaNotice ? 1 : 0);
      const common = { signedIn: true, csrfField: CSRF_FIELD, csrfToken: csrf.issue(user(req)), planNames, now, attentionCount: badge, quotaNotice };
      renderAdmin(deps, req, res, view, { ...common, ...data }, status);
    },
    parse(schema, req, res, tab) {
      const parsed = schema.safeParse(req.query);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      message(req, res, 400, tab, 'That filter is not valid', `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'not valid'}`);
      return undefined;
    },
  };
}

/** Every state-changing request: same origin (when the browser says) and a valid token. */
function csrfGuard(deps: PortalDeps, csrf: CsrfTokens, user: (req: Request) => string): RequestHandler {
  return (req, res, next) => {
    if (!sameOrigin(req, deps.config.publicBaseUrl)) {
      deps.logger.warn({ reqId: req.id, origin: req.headers.origin ?? null }, 'admin: cross-origin form refused');
      return renderAdminMessage(deps, req, res, 403, { title: 'Form refused', message: 'This form was sent from another site. Open the admin page and try again.', signedIn: true });
    }
    const body = req.body as Record<string, unknown> | undefined;
    if (!csrf.check(user(req), body?.[CSRF_FIELD])) {
      deps.logger.warn({ reqId: req.id }, 'admin: form without a valid CSRF token refused');
      return renderAdminMessage(deps, req, res, 403, { title: 'Form expired', message: 'This form is missing its security token or it has expired. Reload the page and try again.', signedIn: true });
    }
    next();
  };
}

/** /admin/partner: live from the API; each part that fails becomes a notice, never an error page. */
function partnerPage(ctx: AdminContext): RequestHandler {
  const { api, logger } = ctx.deps;
  return async (req, res) => {
    const [partner, revenue, settings] = await Promise.all([api.getPartner(), api.getRevenue(), api.getSettings()]);
    const notices: string[] = [];
    if (!partner.ok) notices.push(describeFailure('Partner profile', partner.error));
    if (!revenue.ok) notices.push(describeFailure('Revenue', revenue.error));
    if (!settings.ok) notices.push(describeFailure('Settings', settings.error));
    for (const n of notices) logger.warn({ reqId: req.id, notice: n }, 'admin: partner page could not load everything');
    await ctx.page(req, res, 'partner', {
      title: 'Partner',
      tab: 'partner',
      notices,
      partner: partner.ok ? partner.value : null,
      revenue: revenue.ok ? revenue.value : null,
      chart: revenue.ok ? revenueChart(revenue.value) : null,
      settings: settings.ok ? settings.value : null,
      sections: settings.ok ? sections(settings.value) : [],
    });
  };
}
