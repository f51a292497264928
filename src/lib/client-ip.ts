import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import type { Logger } from './logger.js';

/**
 * The client's address, as every per-client limit and log line keys it: Express's `req.ip`
 * (which honours `trust proxy`, so X-Forwarded-For counts only when TRUST_PROXY says so), else
 * the socket's, with "::ffff:203.0.113.9" folded into "203.0.113.9" so a dual-stack client is
 * one client. Undefined once the socket is gone.
 */
export function clientIp(req: Pick<Request, 'ip' | 'socket'>): string | undefined {
  const ip = req.ip ?? req.socket.remoteAddress;
  if (!ip) return undefined;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

// Once per process: the setting is per process, and one clear line beats one per request.
let untrustedProxyWarned = false;

/**
 * Behind a reverse proxy without TRUST_PROXY, clientIp() is the proxy's address for every
 * customer, so per-client limits (unpaid orders, sign-in back-off) become shop-wide. A request
 * carrying X-Forwarded-For while `trust proxy` is off is the sign: say so once, naming the fix.
 */
export function warnIfUntrustedProxy(req: IncomingMessage, trustProxy: boolean | number | string, logger: Logger): void {
  if (untrustedProxyWarned || trustProxy || req.headers['x-forwarded-for'] === undefined) return;
  untrustedProxyWarned = true;
  logger.warn(
    'A request arrived with X-Forwarded-For but TRUST_PROXY is not set, so every client behind that proxy counts as one for per-client limits. ' +
      'Behind a reverse proxy, set TRUST_PROXY to its hop count (e.g. TRUST_PROXY=1) or its address (e.g. TRUST_PROXY=loopback); ' +
      'if nothing sits in front of the portal, ignore this (a client sent the header itself).',
  );
}
