import type { RequestHandler } from 'express';
import basicAuth from 'express-basic-auth';
import { clientIp } from '../../lib/client-ip.js';
import { RollingWindowLimiter } from '../../lib/rate-limit.js';
import type { PortalDeps } from '../deps.js';
import { renderAdminMessage } from './render.js';

/** Wrong logins allowed per client IP in the window before /admin answers 429. */
export const LOGIN_FAILURES_ALLOWED = 10;
export const LOGIN_FAILURE_WINDOW_MS = 5 * 60 * 1000;

/**
 * HTTP Basic for /admin: 503 with a clear page while ADMIN_PASSWORD is unset, 429 + Retry-After
 * once an IP has failed too often (counting only requests that carried wrong credentials, not
 * the browser's first credential-less request), and a constant-time check of both fields.
 */
export function adminAuth(deps: Pick<PortalDeps, 'config' | 'views' | 'logger'>, limiter = new RollingWindowLimiter(LOGIN_FAILURES_ALLOWED, LOGIN_FAILURE_WINDOW_MS)): RequestHandler[] {
  const { config, logger } = deps;
  const password = config.adminPassword;

  const notConfigured: RequestHandler = (req, res, next) => {
    if (password) return next();
    renderAdminMessage(deps, req, res, 503, {
      title: 'Admin is not set up',
      message: 'Set ADMIN_PASSWORD (at least 8 characters) in the environment and restart the portal to use /admin.',
    });
  };

  const throttle: RequestHandler = (req, res, next) => {
    const decision = limiter.peek(clientKey(req));
    if (decision.allowed) return next();
    res.setHeader('Retry-After', String(decision.retryAfterSeconds));
    renderAdminMessage(deps, req, res, 429, {
      title: 'Too many failed sign-ins',
      message: `Sign-in from this address is paused. Try again in ${decision.retryAfterSeconds} seconds.`,
    });
  };

  const check = basicAuth({
    challenge: true,
    realm: 'admin',
    authorizer: (username: string, given: string) => {
      // Both compared every time (no short-circuit), each in constant time.
      const userOk = basicAuth.safeCompare(username, config.adminUsername);
      const passwordOk = basicAuth.safeCompare(given, password ?? '');
      return userOk && passwordOk;
    },
    unauthorizedResponse: (req: Parameters<RequestHandler>[0] & { auth?: { user: string } }) => {
      if (req.auth) {
        // Credentials were sent and were wrong (req.auth is set before the check): count it.
        limiter.hit(clientKey(req));
        logger.warn({ reqId: req.id, ip: clientIp(req) }, 'admin: failed sign-in');
      }
      return 'Sign-in required.';
    },
  });

  return [notConfigured, throttle, check];
}

function clientKey(req: Parameters<RequestHandler>[0]): string {
  return clientIp(req) ?? 'unknown';
}
