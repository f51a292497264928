import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '../lib/logger.js';
import { requestId } from '../lib/request-id.js';
import type { StubContext } from './context.js';
import { bearerAuth } from './http/auth.js';
import { jsonBody } from './http/body.js';
import { errorHandler, notFound } from './http/errors.js';
import { sendMessagePage } from './http/pages.js';
import { catalogRouter } from './routes/catalog.js';
import { checkoutRouter } from './routes/checkout.js';
import { controlsRouter } from './routes/controls.js';
import { dnsRouter } from './routes/dns.js';
import { ordersRouter } from './routes/orders.js';
import { partnerRouter } from './routes/partner.js';
import { revenueRouter } from './routes/revenue.js';
import { settingsRouter } from './routes/settings.js';
import { subscriptionsRouter } from './routes/subscriptions.js';

function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      // The path only: query strings and headers may carry things that do not belong in logs.
      logger.info(
        { request_id: req.id, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) },
        'request',
      );
    });
    next();
  };
}

/**
 * The stub's HTTP surface:
 *   /api/v1/*    the Brand Partner API (bearer auth, partner + IP rate limits)
 *   /checkout/*  the fake Stripe Checkout pages (no auth, no rate limit)
 *   /_stub/*     test controls (bearer auth, IP limit on failures only)
 */
export function createStubApp(ctx: StubContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestId());
  app.use(accessLog(ctx.logger));

  app.use('/checkout', checkoutRouter(ctx));

  const controlsAuth = bearerAuth({ keys: ctx.keys, ipLimiter: ctx.limiters.ip, partnerLimiter: null });
  app.use('/_stub', controlsAuth, jsonBody, controlsRouter(ctx));

  // Auth before the body parser: an unauthenticated request is refused before its body is read.
  const apiAuth = bearerAuth({ keys: ctx.keys, ipLimiter: ctx.limiters.ip, partnerLimiter: ctx.limiters.partner });
  app.use(
    '/api/v1',
    apiAuth,
    jsonBody,
    ordersRouter(ctx),
    revenueRouter(ctx),
    partnerRouter(ctx),
    settingsRouter(ctx),
    dnsRouter(ctx),
    // Beyond the spec: what partners' code already calls.
    catalogRouter(ctx),
    subscriptionsRouter(ctx),
  );

  app.use(notFound);
  app.use(
    errorHandler(ctx.logger, (_req, res, status, message) =>
      sendMessagePage(ctx.views, res, status, status >= 500 ? 'Something went wrong' : 'Checkout error', message),
    ),
  );
  return app;
}
