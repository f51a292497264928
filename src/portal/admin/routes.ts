import { Router } from 'express';
import type { PortalDeps } from '../deps.js';

// Placeholder: replaced by the admin feature.
export function adminRouter(_deps: PortalDeps): Router {
  return Router();
}
