import { Router } from 'express';
import type { StubContext } from '../context.js';

/** GET /catalog (beyond the spec): the packages on sale with their resolved prices. */
export function catalogRouter(ctx: StubContext): Router {
  const router = Router();
  router.get('/catalog', (_req, res) => {
    res.json(ctx.catalog.present());
  });
  return router;
}
