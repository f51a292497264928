import { Router } from 'express';
import type { Partner } from '../../contract/index.js';
import type { StubContext } from '../context.js';

/** GET /partner: the profile plus the unpaid balance. */
export function partnerRouter(ctx: StubContext): Router {
  const router = Router();
  router.get('/partner', (_req, res) => {
    const body: Partner = {
      id: ctx.partner.id,
      email: ctx.partner.email,
      pricing_currency: 'usd',
      balance_unpaid_cents: ctx.store.revenue.totals().unpaid_cents,
      webhook_url: ctx.config.webhookUrl,
      api_key_prefix: ctx.keys.prefix(),
    };
    res.json(body);
  });
  return router;
}
