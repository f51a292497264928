import type { RequestHandler } from 'express';
import basicAuth from 'express-basic-auth';
import { clientIp } from '../../lib/client-ip.js';
import type { PortalDeps } from '../deps.js';
import { SharedLimiter } from '../store/rate-hits.js';
import { renderAdminMessage } from './render.js';

/** Wrong logins allowed per client IP in the window before /admin answers 429. */
export const LOGIN_FAILURES_ALLOWED = 10;
export const LOGIN_FAILURE_WINDOW_MS = 5 * 60 * 1000;

/**
 * HTTP Basic for /admin: 503 with a clear page while ADMIN_PASSWORD is unset, 429 + Retry-After
 * once an IP has failed too often (counting only requests that carried wrong credentials, not
 * the browser's first credential-less request), and a constant-time check of both fields. The
 * failures are counted in the database, so the limit holds across every process on it.
 */
export function adminAuth(deps: Pick<PortalDeps, 'config' | 'views' | 'logger' | 'stores'>): RequestHandler[] {
  const { config, logger } = deps;
  const password = config.adminPassword;
  const limiter = new SharedLimiter(deps.stores.rateHits, 'admin-login', LOGIN_FAILURES_ALLOWED, LOGIN_FAILURE_WINDOW_MS);
  const valid = (username: string, given: string) => {
    // Both compared every time (no short-circuit), each in constant time.
    const userOk = basicAuth.safeCompare(username, config.adminUsername);
    const passwordOk = basicAuth.safeCompare(given, password ?? '');
    return userOk && passwordOk;
  };

  const notConfigured: RequestHandler = (req, res, next) => {
    if (password) return next();
    renderAdminMessage(deps, req, res, 503, {
      title: 'Admin is not set up',
      message: 'Set ADMIN_PASSWORD (at least 8 characters) in the environment and restart the portal to use /admin.',
    });
  };

  const throttle: RequestHandler = async (req, res, next) => {
    const decision = await limiter.peek(clientKey(req));
    if (decision.allowed) return next();
    res.setHeader('Retry-After', String(decision.retryAfterSeconds));
    renderAdminMessage(deps, req, res, 429, {
      title: 'Too many failed sign-ins',
      message: `Sign-in from this address is paused. Try again in ${decision.retryAfterSeconds} seconds.`,
    });
  };

  // Wrong credentials are counted (and committed) before the 401 goes out, so the next request,
  // on whichever process, already sees them.
  const countFailure: RequestHandler = async (req, _res, next) => {
    const given = credentials(req.headers.authorization);
    if (given && !valid(given.user, given.password)) {
      await limiter.record(clientKey(req));
      logger.warn({ reqId: req.id, ip: clientIp(req) }, 'admin: failed sign-in');
    }
    next();
  };

  const check = basicAuth({
    challenge: true,
    realm: 'admin',
    authorizer: valid,
    unauthorizedResponse: () => 'Sign-in required.',
  });

  return [notConfigured, throttle, countFailure, check];
}

function clientKey(req: Parameters<RequestHandler>[0]): string {
  return clientIp(req) ?? 'unknown';
}

/** The user and password of a Basic Authorization header, as express-basic-auth reads them. */
function credentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^ *basic +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString();
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
