import { Router } from 'express';
import type { StubContext } from '../context.js';
import { buildSettings } from '../domain/settings.js';

/** GET /settings: the partner's whole non-secret configuration. */
export function settingsRouter(ctx: StubContext): Router {
  const router = Router();
  router.get('/settings', (_req, res) => {
    res.json(
      buildSettings({
        config: ctx.config,
        catalog: ctx.catalog,
        keys: ctx.keys,
        partner: ctx.partner,
        balanceUnpaidCents: ctx.store.revenue.totals().unpaid_cents,
      }),
    );
  });
  return router;
}
