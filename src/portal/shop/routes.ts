import { Router } from 'express';
import type { PortalDeps } from '../deps.js';

// Placeholder: replaced by the shop feature.
export function shopRouter(_deps: PortalDeps): Router {
  return Router();
}
