import type { Request, Response } from 'express';
import type { PortalDeps } from '../deps.js';

/**
 * Renders a page inside the branded layout. Every template gets `brand`, `testMode` and `path`
 * alongside its own data; Eta escapes every `<%= %>`.
 */
export function renderPage(
  deps: Pick<PortalDeps, 'config' | 'views'>,
  req: Request,
  res: Response,
  view: string,
  data: Record<string, unknown> = {},
  status = 200,
): void {
  const html = deps.views.render(view, {
    brand: deps.config.brand,
    testMode: deps.config.testMode,
    path: req.path,
    ...data,
  });
  res.status(status).type('html').send(html);
}

/** True when the client asked for JSON rather than a page. */
export function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}
