import type { RequestHandler } from 'express';
import { clientIp } from '../../lib/client-ip.js';
import type { RollingWindowLimiter } from '../../lib/rate-limit.js';
import { ApiError } from '../domain/api-error.js';
import type { ApiKeyRing } from '../domain/api-key.js';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/i;

export interface AuthOptions {
  keys: ApiKeyRing;
  /** Unauthenticated and failed-auth requests, per client IP. */
  ipLimiter: RollingWindowLimiter;
  /** The authenticated partner's bucket; null where requests do not count (/_stub/*). */
  partnerLimiter: RollingWindowLimiter | null;
}

function rateLimited(retryAfterSeconds: number, scope: string): ApiError {
  return new ApiError('rate_limited', `too many requests ${scope}; retry after ${retryAfterSeconds} s`, {
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

/**
 * Bearer auth plus the two rate limits. A failed attempt counts against the caller's IP, never
 * against the partner, so a brute-force cannot chew through the partner's quota.
 */
export function bearerAuth({ keys, ipLimiter, partnerLimiter }: AuthOptions): RequestHandler {
  return (req, _res, next) => {
    const match = BEARER.exec(req.get('authorization')?.trim() ?? '');
    if (!match || !keys.matches(match[1]!)) {
      const decision = ipLimiter.hit(clientIp(req) ?? 'unknown');
      if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds, 'from this IP');
      throw match
        ? new ApiError('invalid_api_key', 'API key is unknown or revoked.')
        : new ApiError('unauthenticated', 'Authorization header must be "Bearer <api key>".');
    }
    if (partnerLimiter) {
      const decision = partnerLimiter.hit('partner');
      if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds, 'for this partner');
    }
    next();
  };
}
