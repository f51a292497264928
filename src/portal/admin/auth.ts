import type { Request, RequestHandler, Response } from 'express';
import basicAuth from 'express-basic-auth';
import { clientIp } from '../../lib/client-ip.js';
import type { PortalDeps } from '../deps.js';
import { DEVICE_COOKIE, DeviceCookies } from './device.js';
import { renderAdminMessage } from './render.js';
import { SignInLimits, type SignInAttempt } from './signin-limits.js';

const DEVICE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/**
 * HTTP Basic for /admin: 503 with a clear page while ADMIN_PASSWORD is unset; a back-off (429 +
 * Retry-After) for credentials that keep failing, counted per address + username, per username
 * and per address, with a browser that signed in before counted on its own (see SignInLimits);
 * and a constant-time check of both fields. The browser's first, credential-less request is not
 * a failure.
 */
export function adminAuth(deps: Pick<PortalDeps, 'config' | 'views' | 'logger' | 'db' | 'stores'>): RequestHandler[] {
  const { config, logger } = deps;
  const password = config.adminPassword;
  const limits = new SignInLimits(deps.stores.rates);
  const devices = new DeviceCookies(deps.db);
  const secure = config.publicBaseUrl.startsWith('https:');
  const attempts = new WeakMap<Request, SignInAttempt>();

  const notConfigured: RequestHandler = (req, res, next) => {
    if (password) return next();
    renderAdminMessage(deps, req, res, 503, {
      title: 'Admin is not set up',
      message: 'Set ADMIN_PASSWORD (at least 8 characters) in the environment and restart the portal to use /admin.',
    });
  };

  const throttle: RequestHandler = async (req, res, next) => {
    const username = basicUsername(req.headers.authorization);
    if (username === undefined) return next();
    const attempt: SignInAttempt = { ip: clientIp(req) ?? 'unknown', username, device: devices.idFrom(req.headers.cookie, username) };
    attempts.set(req, attempt);
    const wait = await limits.wait(attempt);
    if (!wait) return next();
    logger.warn({ reqId: req.id, ip: attempt.ip, scope: wait.scope }, 'admin: sign-in throttled');
    res.setHeader('Retry-After', String(wait.seconds));
    renderAdminMessage(deps, req, res, 429, {
      title: 'Too many failed sign-ins',
      message:
        wait.scope === 'user'
          ? `Too many failed sign-ins for this account from many addresses. Try again in ${wait.seconds} seconds; a browser that has signed in here before is not affected.`
          : `Too many failed sign-ins. Try again in ${wait.seconds} seconds.`,
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
    unauthorizedResponse: (req: Request & { auth?: { user: string } }) => {
      const attempt = attempts.get(req);
      if (req.auth && attempt) {
        // Credentials were sent and were wrong (req.auth is set before the check): count it.
        remember(() => limits.failed(attempt), req);
        logger.warn({ reqId: req.id, ip: attempt.ip }, 'admin: failed sign-in');
      }
      return 'Sign-in required.';
    },
  });

  const signedIn: RequestHandler = (req, res, next) => {
    const attempt = attempts.get(req);
    if (attempt) {
      remember(() => limits.succeeded(attempt), req);
      if (!attempt.device) setDeviceCookie(res, devices.issue(attempt.username), secure);
    }
    next();
  };

  /** Counting is best effort: a database locked by another process must not turn into a 500. */
  function remember(write: () => Promise<void>, req: Request): void {
    write().catch((err: unknown) => logger.warn({ reqId: req.id, err }, 'admin: could not record a sign-in attempt'));
  }

  return [notConfigured, throttle, check, signedIn];
}

/** The username of a Basic Authorization header, or undefined when there is none. */
function basicUsername(header: string | undefined): string | undefined {
  const match = header ? /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim()) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(0, colon);
}

function setDeviceCookie(res: Response, value: string, secure: boolean): void {
  res.append('Set-Cookie', `${DEVICE_COOKIE}=${value}; Path=/admin; Max-Age=${DEVICE_MAX_AGE_SECONDS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`);
}
