import { Router } from 'express';
import { WEBHOOK_PATH, type WebhookHandler } from './handler.js';

/**
 * The receiver inside the Express app, for callers that use `app` directly. In production
 * `portal.handler` serves POST /webhooks/mintoffice before Express (see src/portal/index.ts);
 * both run the same handler instance (one store, one batch queue), built in createPortal.
 */
export function webhookRouter(handler: WebhookHandler): Router {
  const router = Router();
  router.post(WEBHOOK_PATH, (req, res) => handler(req, res));
  return router;
}
