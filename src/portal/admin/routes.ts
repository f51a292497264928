import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { PortalDeps } from '../deps.js';
import { adminAuth } from './auth.js';
import { CSRF_FIELD, CsrfTokens, sameOrigin } from './csrf.js';
import { describeFailure, revenueChart, sections } from './partner.js';
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
const InquiriesQuery = z.object({ ...Paging, fast_track: z.preprocess(blankToUndefined, z.enum(['1', '0']).optional()) });
const DnsQuery = z.object({
  saved: z.preprocess(blankToUndefined, z.string().regex(/^[A-Za-z0-9._@-]{1,253}$/).optional()),
  deleted: z.preprocess(blankToUndefined, z.string().regex(/^[A-Za-z0-9._-]{1,100}$/).optional()),
});
const DnsUpsertForm = z.object({
  subdomain: z.string().max(253).default(''),
  ip: z.string().max(64).default(''),
});
const DnsDeleteForm = z.object({ id: z.string().min(1).max(100) });
const REF = /^[A-Za-z0-9_-]{1,128}$/;

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
 */
export function adminRouter(deps: PortalDeps): Router {
  const { config, api, logger } = deps;
  const router = Router();
  const queries = deps.stores.admin;
  const csrf = new CsrfTokens(deps.db);
  const size = config.adminPageSize;
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

  router.use(...adminAuth(deps));
  // Every signed-in page shows "Needs attention" while unpaid orders hold most deploy slots.
  router.use(async (_req, res, next) => {
    res.locals['attention'] = quotaAttention(await queries.unpaidOpen(), config.deployQuota);
    next();
  });

  const user = (req: Request) => (req as Request & { auth?: { user: string } }).auth?.user ?? '';
  const page = (req: Request, res: Response, view: string, data: Record<string, unknown>, status = 200) =>
    renderAdmin(deps, req, res, view, { signedIn: true, csrfField: CSRF_FIELD, csrfToken: csrf.issue(user(req)), attention: res.locals['attention'] ?? null, ...data }, status);
  function parse<S extends z.ZodType>(schema: S, req: Request, res: Response, tab: string): z.infer<S> | undefined {
    const parsed = schema.safeParse(req.query);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'query';
    renderAdminMessage(deps, req, res, 400, { title: 'That filter is not valid', message: `${field}: ${issue?.message ?? 'not valid'}`, tab: tab as never, signedIn: true });
    return undefined;
  }

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
    const [result, types] = await Promise.all([queries.eventsPage(filter, query, size), queries.eventTypes()]);
    page(req, res, 'events', {
      title: 'Events',
      tab: 'events',
      filter,
      types,
      page: result,
      links: await queries.orderLinks(result.rows),
      atNewest: query.before === undefined && query.after === undefined,
    });
  });

  router.get('/rejected', async (req, res) => {
    const query = parse(PageQuery, req, res, 'rejected');
    if (!query) return;
    page(req, res, 'rejected', { title: 'Rejected deliveries', tab: 'rejected', page: await queries.rejected(query, size) });
  });

  router.get('/orders', async (req, res) => {
    const query = parse(PageQuery, req, res, 'orders');
    if (!query) return;
    page(req, res, 'orders', { title: 'Orders', tab: 'orders', page: await queries.orders(query, size) });
  });

  router.get('/orders/:ref', async (req, res) => {
    const ref = req.params.ref;
    const found = REF.test(ref) ? await queries.order(ref) : undefined;
    if (!found) {
      return renderAdminMessage(deps, req, res, 404, { title: 'No such order', message: 'There is no local order with that reference.', tab: 'orders', signedIn: true });
    }
    page(req, res, 'order', { title: `Order ${ref}`, tab: 'orders', ...found });
  });

  router.get('/inquiries', async (req, res) => {
    const query = parse(InquiriesQuery, req, res, 'inquiries');
    if (!query) return;
    const fastTrack = query.fast_track === '1';
    page(req, res, 'inquiries', { title: 'Inquiries', tab: 'inquiries', fastTrack, page: await queries.inquiries(fastTrack, query, size) });
  });

  router.get('/partner', async (req, res) => {
    const [partner, revenue, settings] = await Promise.all([api.getPartner(), api.getRevenue(), api.getSettings()]);
    const notices: string[] = [];
    if (!partner.ok) notices.push(describeFailure('Partner profile', partner.error));
    if (!revenue.ok) notices.push(describeFailure('Revenue', revenue.error));
    if (!settings.ok) notices.push(describeFailure('Settings', settings.error));
    for (const n of notices) logger.warn({ reqId: req.id, notice: n }, 'admin: partner page could not load everything');
    page(req, res, 'partner', {
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

  async function dnsPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200): Promise<void> {
    const list = await api.listDnsRecords();
    page(
      req,
      res,
      'dns',
      {
        title: 'DNS',
        tab: 'dns',
        list: list.ok ? list.value : null,
        listError: list.ok ? null : describeFailure('DNS records', list.error),
        values: { subdomain: '', ip: '' },
        ...extra,
      },
      status,
    );
  }

  router.get('/dns', async (req, res) => {
    const query = DnsQuery.safeParse(req.query);
    const flash = !query.success ? null : query.data.saved ? `Saved the A-record for ${query.data.saved}.` : query.data.deleted ? `Deleted record ${query.data.deleted}.` : null;
    await dnsPage(req, res, { flash });
  });

  router.post('/dns', async (req, res) => {
    const parsed = DnsUpsertForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      return dnsPage(req, res, { formError: 'Subdomain and IP must be short text fields.' }, 400);
    }
    const values = { subdomain: parsed.data.subdomain.trim(), ip: parsed.data.ip.trim() };
    const result = await api.upsertDnsRecord(values);
    if (result.ok) {
      logger.info({ reqId: req.id, fqdn: result.value.fqdn }, 'admin: DNS record upserted');
      return res.redirect(303, `/admin/dns?saved=${encodeURIComponent(result.value.fqdn)}`);
    }
    const error = result.error;
    const status = error.kind === 'rejected' && error.status < 500 ? 422 : 502;
    const formError = error.kind === 'rejected' ? error.message : describeFailure('Saving the record', error);
    await dnsPage(req, res, { values, formError }, status);
  });

  router.post('/dns/delete', async (req, res) => {
    const parsed = DnsDeleteForm.safeParse(req.body ?? {});
    if (!parsed.success) return dnsPage(req, res, { deleteError: 'Pick a record to delete.' }, 400);
    const result = await api.deleteDnsRecord(parsed.data.id);
    if (result.ok) {
      logger.info({ reqId: req.id, id: parsed.data.id }, 'admin: DNS record deleted');
      return res.redirect(303, `/admin/dns?deleted=${encodeURIComponent(result.value.id)}`);
    }
    const status = result.error.kind === 'rejected' && result.error.status < 500 ? 422 : 502;
    await dnsPage(req, res, { deleteError: describeFailure('Deleting the record', result.error) }, status);
  });

  // Anything else under /admin: an admin-styled 404 (signed in already, so it may say so).
  router.use((req, res) => renderAdminMessage(deps, req, res, 404, { title: 'Not found', message: 'There is no admin page at this address.', signedIn: true }));
  return router;
}
