import express, { type Express } from 'express';
import { requestId } from '../lib/request-id.js';
import { PUBLIC_DIR } from '../lib/views.js';
import { adminRouter } from './admin/routes.js';
import type { PortalDeps } from './deps.js';
import { healthRouter } from './health.js';
import { metricsRouter } from './metrics/routes.js';
import { errorHandler, notFound } from './http/errors.js';
import { securityHeaders } from './http/security.js';
import { partnersRouter } from './partners/routes.js';
import { shopRouter } from './shop/routes.js';
import type { WebhookHandler } from './webhooks/handler.js';
import { webhookRouter } from './webhooks/routes.js';

/**
 * The portal's HTTP surface. Each feature brings its own router and its own body parser, so no
 * global parser consumes the webhook's body: its handler reads the raw bytes it must verify.
 */
export function createPortalApp(deps: PortalDeps, handlers: { webhook: WebhookHandler }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.config.trustProxy);

  app.use(requestId());
  if (deps.config.securityHeaders) app.use(securityHeaders(deps.config));

  app.use(webhookRouter(handlers.webhook));
  app.use(healthRouter(deps));
  app.use(metricsRouter(deps));
  app.use('/static', express.static(PUBLIC_DIR, { index: false, maxAge: '1h', fallthrough: true }));
  app.use(shopRouter(deps));
  app.use(partnersRouter(deps));
  app.use('/admin', adminRouter(deps));

  app.use(notFound(deps));
  app.use(errorHandler(deps));
  return app;
}
