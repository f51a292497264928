import { Router } from 'express';
import { z } from 'zod';
import type { AdminContext } from './context.js';
import { optional, Paging } from './context.js';

const EventsQuery = z.object({
  ...Paging,
  type: optional(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must be an event type' })),
  q: z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().max(200, { error: 'must be at most 200 characters' }).optional()),
});
const PageQuery = z.object(Paging);

/** /admin (the event table), /admin/attention and /admin/rejected: what mintbot sent, and what needs a look. */
export function eventRoutes(ctx: AdminContext): Router {
  const router = Router();
  const queries = ctx.deps.stores.admin;
  const size = ctx.deps.config.adminPageSize;

  router.get('/', async (req, res) => {
    const query = ctx.parse(EventsQuery, req, res, 'events');
    if (!query) return;
    const filter = { type: query.type, q: query.q || undefined };
    const [result, types, total] = await Promise.all([queries.eventsPage(filter, query, size), queries.eventTypes(), queries.eventTotal(filter)]);
    await ctx.page(req, res, 'events', {
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
    await ctx.page(req, res, 'attention', { title: 'Needs attention', tab: 'attention', attention: await queries.attention(Date.now()) });
  });

  router.get('/rejected', async (req, res) => {
    const query = ctx.parse(PageQuery, req, res, 'rejected');
    if (!query) return;
    await ctx.page(req, res, 'rejected', { title: 'Rejected deliveries', tab: 'rejected', page: await queries.rejected(query, size) });
  });

  return router;
}
