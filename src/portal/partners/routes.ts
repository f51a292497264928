import { Router } from 'express';
import type { PortalDeps } from '../deps.js';

// Placeholder: replaced by the partners feature.
export function partnersRouter(_deps: PortalDeps): Router {
  return Router();
}
