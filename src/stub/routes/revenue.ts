import { Router } from 'express';
import { formatApiTime, RevenueQuery, type Revenue } from '../../contract/index.js';
import type { StubContext } from '../context.js';
import { apiTime } from '../domain/present.js';
import { parseQuery } from '../http/body.js';

const LATEST_EVENTS = 200;

/** GET /revenue: lifetime totals plus the latest 200 ledger events (unpaid only with include_paid=false). */
export function revenueRouter(ctx: StubContext): Router {
  const router = Router();
  router.get('/revenue', (req, res) => {
    const query = parseQuery(RevenueQuery, req.query);
    const body: Revenue = {
      currency: 'usd',
      ...ctx.store.revenue.totals(),
      events: ctx.store.revenue.latest(LATEST_EVENTS, query.include_paid ?? true).map((row) => ({
        ...row,
        currency: 'usd',
        created_at: formatApiTime(row.created_at),
        payout_at: apiTime(row.payout_at),
      })),
    };
    res.json(body);
  });
  return router;
}
