import type { Request, Response } from 'express';
import type { PortalDeps } from '../deps.js';
import { LANGUAGE_VARY, type PageLanguage } from './language.js';

/**
 * A page inside the branded layout, as HTML. Every template gets `brand`, `testMode`, `path`, the
 * page's language (`lang`, `t()` for text, `rich()` for a sentence with markup, `money()`,
 * `dateTime()`) and the language switcher alongside its own data; Eta escapes every `<%= %>`. The
 * shop's pre-rendered pages use this too, so they and the Express routes cannot drift apart.
 */
export function renderHtml(deps: Pick<PortalDeps, 'config' | 'views'>, view: string, path: string, data: Record<string, unknown>, language: PageLanguage): string {
  const { tr } = language;
  return deps.views.render(view, {
    brand: deps.config.brand,
    testMode: deps.config.testMode,
    path,
    lang: tr.lang,
    t: tr.t,
    rich: tr.rich,
    money: tr.money,
    dateTime: tr.dateTime,
    switcher: language.switcher,
    ...data,
  });
}

/** Sends renderHtml's page for this request, saying which language it is in. */
export function renderPage(
  deps: Pick<PortalDeps, 'config' | 'views'>,
  req: Request,
  res: Response,
  view: string,
  data: Record<string, unknown>,
  language: PageLanguage,
  status = 200,
): void {
  res.status(status).setHeader('Content-Language', language.tr.lang);
  res.setHeader('Vary', LANGUAGE_VARY);
  res.type('html').send(renderHtml(deps, view, req.path, data, language));
}

/** True when the client asked for JSON rather than a page. */
export function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}
