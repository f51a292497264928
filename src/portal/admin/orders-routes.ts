import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AdminContext } from './context.js';
import { optional, Paging } from './context.js';
import { sendOrdersCsv } from './export.js';
import { describeFailure } from './partner.js';
import type { EventRow, OrderRow } from './queries.js';

const PageQuery = z.object(Paging);
const OrderQuery = z.object({ refreshed: optional(z.enum(['changed', 'same'])) });
const REF = /^[A-Za-z0-9_-]{1,128}$/;

/** /admin/orders: the list, its CSV, one order with its timeline, and "Refresh from API". */
export function orderRoutes(ctx: AdminContext): Router {
  const router = Router();
  const { deps } = ctx;
  const queries = deps.stores.admin;

  const statusUrl = (ref: string) => `${deps.config.publicBaseUrl}/thank-you?ref=${encodeURIComponent(ref)}`;
  const orderPage = (req: Request, res: Response, found: { order: OrderRow; events: EventRow[] }, extra: Record<string, unknown> = {}, status = 200) =>
    ctx.page(req, res, 'order', { title: `Order ${found.order.ref}`, tab: 'orders', ...found, statusUrl: statusUrl(found.order.ref), ...extra }, status);
  const find = async (req: Request, res: Response) => {
    const ref = typeof req.params['ref'] === 'string' ? req.params['ref'] : '';
    const found = REF.test(ref) ? await queries.order(ref) : undefined;
    if (!found) ctx.message(req, res, 404, 'orders', 'No such order', 'There is no local order with that reference.');
    return found;
  };

  router.get('/orders', async (req, res) => {
    const query = ctx.parse(PageQuery, req, res, 'orders');
    if (!query) return;
    const [result, total] = await Promise.all([queries.orders(query, deps.config.adminPageSize), queries.ordersTotal()]);
    await ctx.page(req, res, 'orders', { title: 'Orders', tab: 'orders', page: result, total });
  });

  router.get('/orders.csv', async (_req, res) => {
    await sendOrdersCsv(res, queries.allOrders(), Date.now());
  });

  router.get('/orders/:ref', async (req, res) => {
    const found = await find(req, res);
    if (!found) return;
    const query = OrderQuery.safeParse(req.query);
    await orderPage(req, res, found, { refreshed: query.success ? query.data.refreshed : undefined });
  });

  // Asks mintbot for the order now (GET /orders/{id}) and applies what it says, as the poller does.
  router.post('/orders/:ref/refresh', async (req, res) => {
    const found = await find(req, res);
    if (!found) return;
    const { ref, api_order_id: apiId } = found.order;
    if (apiId === null) {
      return orderPage(req, res, found, { refreshError: 'mintbot has no id for this order yet (it was never created there), so there is nothing to ask for.' }, 409);
    }
    const result = await deps.api.getOrder(apiId);
    if (!result.ok) {
      const refreshError = describeFailure('Refreshing from the API', result.error);
      deps.logger.warn({ reqId: req.id, ref, notice: refreshError }, 'admin: order refresh failed');
      return orderPage(req, res, found, { refreshError }, 502);
    }
    const changed = await deps.stores.orders.applyApiOrder(ref, result.value);
    deps.logger.info({ reqId: req.id, ref, changed }, 'admin: order refreshed from the API');
    res.redirect(303, `/admin/orders/${encodeURIComponent(ref)}?refreshed=${changed ? 'changed' : 'same'}`);
  });

  return router;
}
