import type { Request, Response } from 'express';
import type { PortalDeps } from '../deps.js';

/**
 * A page inside the branded layout, as HTML. Every template gets `brand`, `testMode` and `path`
 * alongside its own data; Eta escapes every `<%= %>`. The shop's pre-rendered pages use this too,
 * so they and the Express routes cannot drift apart.
 */
export function renderHtml(deps: Pick<PortalDeps, 'config' | 'views'>, view: string, path: string, data: Record<string, unknown> = {}): string {
  return deps.views.render(view, { brand: deps.config.brand, testMode: deps.config.testMode, path, ...data });
}

/** Sends renderHtml's page for this request. */
export function renderPage(
  deps: Pick<PortalDeps, 'config' | 'views'>,
  req: Request,
  res: Response,
  view: string,
  data: Record<string, unknown> = {},
  status = 200,
): void {
  res.status(status).type('html').send(renderHtml(deps, view, req.path, data));
}

/** True when the client asked for JSON rather than a page. */
export function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}
