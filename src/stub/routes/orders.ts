import { Router } from 'express';
import { z } from 'zod';
import { CreateOrderRequest, ListOrdersQuery, RenewOrderRequest } from '../../contract/index.js';
import type { StubContext } from '../context.js';
import { ApiError } from '../domain/api-error.js';
import { presentOrder } from '../domain/present.js';
import { parseBody, parseId, parseQuery } from '../http/body.js';
import { idempotent } from '../http/idempotency.js';
import { requireLivePartner } from '../http/partner-status.js';

const PAGE_SIZE = 20;

const notFound = (id: unknown) => new ApiError('not_found', `order ${String(id ?? '')} does not exist`);

/** POST /orders, GET /orders, GET /orders/{id}, POST /orders/{id}/renew. */
export function ordersRouter(ctx: StubContext): Router {
  const router = Router();
  const { store, clock, orders, publicUrl } = ctx;
  const live = requireLivePartner(ctx.config);
  // Any package the catalog lists can be ordered; the message names them (the spec's four by default).
  const tiers = ctx.catalog.tiers as [string, ...string[]];
  const CreateOrder = CreateOrderRequest.extend({ tier: z.enum(tiers, { error: `must be one of ${tiers.join(', ')}` }) });

  router.post(
    '/orders',
    live,
    idempotent(store, clock, (req) => {
      const order = orders.create(parseBody(CreateOrder, req.body));
      return { status: 201, body: presentOrder(order, publicUrl) };
    }),
  );

  router.get('/orders', (req, res) => {
    const query = parseQuery(ListOrdersQuery, req.query);
    const before = query.cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(query.cursor);
    const rows = store.orders.list(query.status, before, PAGE_SIZE + 1);
    const page = rows.slice(0, PAGE_SIZE);
    res.json({
      items: page.map((row) => presentOrder(row, publicUrl)),
      next_cursor: rows.length > PAGE_SIZE ? String(page[page.length - 1]!.id) : null,
    });
  });

  router.get('/orders/:id', (req, res) => {
    const id = parseId(req.params.id);
    const order = id === null ? undefined : store.orders.byId(id);
    if (!order) throw notFound(req.params.id);
    res.json(presentOrder(order, publicUrl));
  });

  router.post(
    '/orders/:id/renew',
    live,
    idempotent(store, clock, (req) => {
      const id = parseId(req.params.id);
      if (id === null) throw notFound(req.params.id);
      const renewal = orders.renew(id, parseBody(RenewOrderRequest, req.body));
      return { status: 201, body: presentOrder(renewal, publicUrl) };
    }),
  );

  return router;
}
