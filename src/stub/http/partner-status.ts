import type { RequestHandler } from 'express';
import type { StubConfig } from '../config.js';
import { ApiError } from '../domain/api-error.js';

/** Spec: "The Brand Partner API rejects writes while onboarding" (the stub also while paused). */
export function requireLivePartner(config: Pick<StubConfig, 'partnerStatus'>): RequestHandler {
  return (_req, _res, next) => {
    if (config.partnerStatus !== 'live') {
      throw new ApiError('partner_not_live', `the partner is ${config.partnerStatus}; writes are accepted once it is live`);
    }
    next();
  };
}
