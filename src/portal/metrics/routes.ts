import { timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { adminAuth } from '../admin/auth.js';
import type { PortalDeps } from '../deps.js';

/**
 * GET /metrics in Prometheus text format. Prometheus authenticates with
 * `Authorization: Bearer $METRICS_TOKEN`; without a token configured (or sent), the admin
 * password guards it exactly as it guards /admin (HTTP Basic, 503 while unset, sign-in back-off).
 */
export function metricsRouter(deps: PortalDeps): Router {
  const router = Router();
  const { config, logger, metrics } = deps;
  const admin = adminAuth(deps);

  const bearer: RequestHandler = (req, res, next) => {
    const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (given === undefined) return next();
    if (config.metricsToken && sameSecret(given, config.metricsToken)) return next('route');
    logger.warn({ reqId: req.id }, 'metrics: wrong bearer token');
    res.status(401).setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    res.type('text/plain').send(config.metricsToken ? 'Wrong token.\n' : 'METRICS_TOKEN is not set; use the admin password.\n');
  };

  const serve: RequestHandler = async (_req, res) => {
    const { contentType, body } = await metrics.exposition();
    res.setHeader('Cache-Control', 'no-store');
    res.type(contentType).send(body);
  };

  // A valid bearer token skips the admin check (next('route')) and lands on the second route.
  router.get('/metrics', bearer, ...admin, serve);
  router.get('/metrics', serve);
  return router;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
