import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Logger } from '../lib/logger.js';
import { requestId } from '../lib/request-id.js';
import { StubMetrics } from './metrics.js';
import type { StubContext } from './context.js';
import { bearerAuth } from './http/auth.js';
import { jsonBody } from './http/body.js';
import { errorHandler, notFound } from './http/errors.js';
import { sendMessagePage } from './http/pages.js';
import { logRequests } from './http/request-log.js';
import { methodNotAllowed, routesOf, type ServedRoute } from './http/routes.js';
import { catalogRouter } from './routes/catalog.js';
import { checkoutRouter } from './routes/checkout.js';
import { controlsRouter } from './routes/controls.js';
import { dashboardRouter } from './routes/dashboard.js';
import { deliveriesRouter } from './routes/deliveries.js';
import { dnsRouter } from './routes/dns.js';
import { openApiRouter } from './routes/openapi.js';
import { ordersRouter } from './routes/orders.js';
import { partnerRouter } from './routes/partner.js';
import { revenueRouter } from './routes/revenue.js';
import { settingsRouter } from './routes/settings.js';
import { subscriptionsRouter } from './routes/subscriptions.js';

function accessLog(logger: Logger, metrics: StubMetrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      metrics.requestAnswered(req, res.statusCode);
      // The path only: query strings and headers may carry things that do not belong in logs.
      logger.info(
        { request_id: req.id, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) },
        'request',
      );
    });
    next();
  };
}

export interface StubApp {
  app: Express;
  /** Every route served, for the 405 answers and the OpenAPI document's coverage test. */
  routes: ServedRoute[];
}

/**
 * The stub's HTTP surface:
 *   /api/v1/*    the Brand Partner API (bearer auth, partner + IP rate limits); its OpenAPI
 *                document at /api/v1/openapi.json needs no key
 *   /checkout/*  the fake Stripe Checkout pages (no auth, no rate limit)
 *   /_stub       the dashboard (HTML, signed in with the API key)
 *   /_stub/*     test controls as JSON (bearer auth, IP limit on failures only)
 */
export function createStubApp(ctx: StubContext): StubApp {
  const api: Router[] = [
    ordersRouter(ctx),
    revenueRouter(ctx),
    partnerRouter(ctx),
    settingsRouter(ctx),
    dnsRouter(ctx),
    // Beyond the spec: what partners' code already calls.
    catalogRouter(ctx),
    subscriptionsRouter(ctx),
  ];
  const controls: Router[] = [controlsRouter(ctx), deliveriesRouter(ctx)];
  const dashboard = dashboardRouter(ctx);
  const checkout = checkoutRouter(ctx);
  const openApi = openApiRouter();
  const routes = [
    ...routesOf('/api/v1', [openApi, ...api]),
    ...routesOf('/checkout', [checkout]),
    ...routesOf('/_stub', [dashboard, ...controls]),
  ];

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestId());
  const metrics = new StubMetrics(ctx.store);
  app.use(accessLog(ctx.logger, metrics));
  metrics.mount(app);
  app.use(methodNotAllowed(routes));

  app.use('/checkout', checkout);

  app.use('/_stub', dashboard);
  const controlsAuth = bearerAuth({ keys: ctx.keys, ipLimiter: ctx.limiters.ip, partnerLimiter: null });
  app.use('/_stub', controlsAuth, jsonBody, ...controls);

  app.use('/api/v1', openApi);
  // Auth before the body parser: an unauthenticated request is refused before its body is read.
  const apiAuth = bearerAuth({ keys: ctx.keys, ipLimiter: ctx.limiters.ip, partnerLimiter: ctx.limiters.partner });
  app.use('/api/v1', logRequests(ctx.requests, () => ctx.clock.now()), apiAuth, jsonBody, ...api);

  app.use(notFound);
  app.use(
    errorHandler(ctx.logger, (_req, res, status, message) =>
      sendMessagePage(ctx.views, res, status, status >= 500 ? 'Something went wrong' : 'Checkout error', message),
    ),
  );
  return { app, routes };
}
