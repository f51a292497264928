import { Router } from 'express';
import type { PortalDeps } from '../deps.js';
import { createWebhookHandler, WEBHOOK_PATH } from './handler.js';

/**
 * The receiver inside the Express app, for callers that use `app` directly. In production
 * `portal.handler` serves POST /webhooks/mintoffice before Express (see src/portal/index.ts);
 * both run the same bare handler, which reads the raw body itself (no parser is mounted here).
 */
export function webhookRouter(deps: PortalDeps): Router {
  const router = Router();
  const handler = createWebhookHandler(deps);
  router.post(WEBHOOK_PATH, (req, res) => handler(req, res));
  return router;
}
