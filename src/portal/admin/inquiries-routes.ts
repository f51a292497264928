import { Router } from 'express';
import { z } from 'zod';
import type { AdminContext } from './context.js';
import { optional, Paging } from './context.js';
import { sendInquiriesCsv } from './export.js';

const InquiriesQuery = z.object({
  ...Paging,
  fast_track: optional(z.enum(['1', '0'])),
  show: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['open', 'handled', 'all']).default('open')),
});
const HandledForm = z.object({ handled: z.enum(['1', '0']), back: z.string().max(300).optional() });
/** Where "Mark handled" may send the admin back to: an inquiries page of this console, nothing else. */
const BACK = /^\/admin\/inquiries(\?[A-Za-z0-9_=&%.-]*)?$/;

/** /admin/inquiries: open / handled / all, fast track, CSV, and marking one handled. */
export function inquiryRoutes(ctx: AdminContext): Router {
  const router = Router();
  const { deps } = ctx;

  router.get('/inquiries', async (req, res) => {
    const query = ctx.parse(InquiriesQuery, req, res, 'inquiries');
    if (!query) return;
    const filter = { handled: query.show, fastTrackOnly: query.fast_track === '1' };
    const page = await deps.stores.admin.inquiries(filter, query, deps.config.adminPageSize);
    await ctx.page(req, res, 'inquiries', { title: 'Inquiries', tab: 'inquiries', filter, page, back: req.originalUrl });
  });

  router.get('/inquiries.csv', async (_req, res) => {
    await sendInquiriesCsv(res, deps.stores.admin.allInquiries(), Date.now());
  });

  router.post('/inquiries/:id/handled', async (req, res) => {
    const id = /^\d{1,15}$/.test(req.params.id) ? Number(req.params.id) : NaN;
    const form = HandledForm.safeParse(req.body ?? {});
    if (!form.success || Number.isNaN(id)) {
      return ctx.message(req, res, 400, 'inquiries', 'Not a valid request', 'Use the button on the inquiries page.');
    }
    const handled = form.data.handled === '1';
    if (!(await deps.stores.inquiries.markHandled(id, handled ? { at: Date.now(), by: ctx.user(req) } : null))) {
      return ctx.message(req, res, 404, 'inquiries', 'No such inquiry', 'That inquiry does not exist.');
    }
    deps.logger.info({ reqId: req.id, inquiry: id, handled }, 'admin: inquiry marked');
    res.redirect(303, form.data.back && BACK.test(form.data.back) ? form.data.back : '/admin/inquiries');
  });

  return router;
}
