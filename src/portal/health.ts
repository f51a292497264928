import { Router } from 'express';
import type { PortalDeps } from './deps.js';

/**
 * GET /healthz: a read of the database (read-only, so a held write lock does not flip it), and an API key to talk to mintbot with.
 * The body says nothing else (no version, no brand) so it leaks nothing to a scanner.
 */
export function healthRouter({ stores, config, logger }: PortalDeps): Router {
  const router = Router();
  router.get('/healthz', async (req, res) => {
    let healthy = Boolean(config.apiKey);
    if (healthy) {
      try {
        healthy = await stores.health.check();
      } catch (err) {
        logger.error({ reqId: req.id, err }, 'healthz: database check failed');
        healthy = false;
      }
    }
    res.setHeader('Cache-Control', 'no-store');
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'unhealthy' });
  });
  return router;
}
