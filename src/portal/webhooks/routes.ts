import { Router } from 'express';
import type { PortalDeps } from '../deps.js';

// Placeholder: replaced by the webhooks feature.
export function webhookRouter(_deps: PortalDeps): Router {
  return Router();
}
