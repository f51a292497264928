import { Router } from 'express';
import { stubOpenApiDocument } from '../openapi/document.js';

/** `GET /api/v1/openapi.json`: public like any API reference, so tools can fetch it without a key. */
export function openApiRouter(): Router {
  const router = Router();
  let body: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    body ??= JSON.stringify(stubOpenApiDocument());
    res.type('application/json').send(body);
  });
  return router;
}
