import { Router } from 'express';
import { FireEventRequest } from '../../contract/index.js';
import type { StubContext } from '../context.js';
import { ApiError } from '../domain/api-error.js';
import { fireEvent, resendDelivery } from '../domain/delivery-actions.js';
import { deliveryDetail, deliveryItem } from '../domain/delivery-view.js';
import { parseBody } from '../http/body.js';

const DELIVERY_LIST_LIMIT = 1000;

/**
 * `/_stub/deliveries…` and `/_stub/events`: see every delivery and its attempts, send one again,
 * fire any event for an order (like `stripe trigger`).
 */
export function deliveriesRouter(ctx: StubContext): Router {
  const router = Router();
  const { store } = ctx;

  const detail = (id: number) => deliveryDetail(store.deliveries.byId(id)!, store.deliveries.attempts(id));

  router.get('/deliveries', (_req, res) => {
    res.json({ items: store.deliveries.latest(DELIVERY_LIST_LIMIT).map(deliveryItem) });
  });

  router.get('/deliveries/:eventId', (req, res) => {
    const row = store.deliveries.byEventId(req.params.eventId);
    if (!row) throw new ApiError('not_found', `no delivery with event id ${req.params.eventId}`);
    res.json(detail(row.id));
  });

  router.post('/deliveries/:eventId/resend', (req, res) => {
    res.status(202).json(detail(resendDelivery(ctx, req.params.eventId)));
  });

  router.post('/events', (req, res) => {
    const { order_id, type } = parseBody(FireEventRequest, req.body);
    res.status(202).json(detail(fireEvent(ctx, order_id, type)));
  });

  return router;
}
