import { Router } from 'express';
import { FireEventRequest } from '../../contract/index.js';
import type { StubContext } from '../context.js';
import { ApiError, validationError } from '../domain/api-error.js';
import { deliveryDetail, deliveryItem } from '../domain/delivery-view.js';
import { parseBody } from '../http/body.js';

const DELIVERY_LIST_LIMIT = 1000;

/**
 * `/_stub/deliveries…` and `/_stub/events`: see every delivery and its attempts, send one again,
 * fire any event for an order (like `stripe trigger`).
 */
export function deliveriesRouter(ctx: StubContext): Router {
  const router = Router();
  const { store, clock, events } = ctx;

  const byEvent = (eventId: unknown) => {
    const row = typeof eventId === 'string' ? store.deliveries.byEventId(eventId) : undefined;
    if (!row) throw new ApiError('not_found', `no delivery with event id ${String(eventId)}`);
    return row;
  };
  const detail = (id: number) => {
    const row = store.deliveries.byId(id)!;
    return deliveryDetail(row, store.deliveries.attempts(id));
  };

  router.get('/deliveries', (_req, res) => {
    res.json({ items: store.deliveries.latest(DELIVERY_LIST_LIMIT).map(deliveryItem) });
  });

  router.get('/deliveries/:eventId', (req, res) => {
    res.json(detail(byEvent(req.params.eventId).id));
  });

  router.post('/deliveries/:eventId/resend', (req, res) => {
    const original = byEvent(req.params.eventId);
    const id = store.transaction(() => events.resend(original, clock.now()));
    res.status(202).json(detail(id));
  });

  router.post('/events', (req, res) => {
    const { order_id, type } = parseBody(FireEventRequest, req.body);
    const id = store.transaction(() => {
      const order = store.orders.byId(order_id);
      if (!order) throw new ApiError('not_found', `order ${order_id} does not exist`);
      if (!events.urlFor(order)) {
        throw validationError(`order_id: order ${order_id} has no webhook_url and STUB_WEBHOOK_URL is not set, so there is nowhere to send it`);
      }
      const extra = type === 'agent.failed' ? { error: { step: 'provision_server', message: 'fired by POST /_stub/events' } } : {};
      return events.emit(order, type, clock.now(), extra)!;
    });
    res.status(202).json(detail(id));
  });

  return router;
}
