import { Router } from 'express';
import { CreateSubscriptionRequest } from '../../contract/index.js';
import type { StubContext } from '../context.js';
import { ApiError } from '../domain/api-error.js';
import { parseBody, parseId } from '../http/body.js';
import { idempotent } from '../http/idempotency.js';
import { requireLivePartner } from '../http/partner-status.js';

const notFound = (id: unknown) => new ApiError('not_found', `subscription ${String(id ?? '')} does not exist`);

/**
 * Beyond the spec: POST /subscriptions (as the reference storefront sends it), and two extensions
 * of the stub's own, GET /subscriptions/{id} and POST /subscriptions/{id}/cancel.
 */
export function subscriptionsRouter(ctx: StubContext): Router {
  const router = Router();
  const { store, clock, subscriptions, publicUrl } = ctx;
  const live = requireLivePartner(ctx.config);

  router.post(
    '/subscriptions',
    live,
    idempotent(store, clock, (req) => {
      const subscription = subscriptions.create(parseBody(CreateSubscriptionRequest, req.body));
      return { status: 201, body: subscriptions.present(subscription, publicUrl) };
    }),
  );

  router.get('/subscriptions/:id', (req, res) => {
    const id = parseId(req.params.id);
    const subscription = id === null ? undefined : subscriptions.byId(id);
    if (!subscription) throw notFound(req.params.id);
    res.json(subscriptions.present(subscription, publicUrl));
  });

  router.post(
    '/subscriptions/:id/cancel',
    live,
    idempotent(store, clock, (req) => {
      const id = parseId(req.params.id);
      if (id === null) throw notFound(req.params.id);
      const outcome = subscriptions.cancel(id);
      return { status: 200, body: subscriptions.present(outcome.subscription, publicUrl) };
    }),
  );

  return router;
}
