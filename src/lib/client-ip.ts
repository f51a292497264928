import type { Request } from 'express';

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
