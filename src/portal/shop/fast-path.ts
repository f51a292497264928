import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Response } from 'express';
import { responseRequestId } from '../../lib/request-id.js';
import type { PortalConfig } from '../config.js';
import type { PortalDeps } from '../deps.js';
import { LANGUAGE_VARY, requestLanguage } from '../http/language.js';
import { securityHeaders } from '../http/security.js';

/** The landing page may be revalidated by caches; every other shop page carries a one-time key or order data. */
export const HOME_CACHE_CONTROL = 'no-cache';

/** How the shop's Express routes send a page in `lang` (the fast path below sends exactly the same). */
export function sendHtml(res: Response, status: number, html: string | Buffer, lang: string, cacheControl = 'no-store'): void {
  res.status(status).setHeader('Cache-Control', cacheControl);
  res.setHeader('Content-Language', lang);
  res.setHeader('Vary', LANGUAGE_VARY);
  res.type('html').send(html);
}

/**
 * Runs the portal's helmet middleware once against a recording response and returns the headers
 * it sets, in order. helmet stays the single source of the values; we only stop paying for it
 * (and for Express's router) on every landing-page view.
 */
export function captureSecurityHeaders(config: PortalConfig): Array<[string, string]> {
  const headers = new Map<string, [string, string]>();
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers.set(name.toLowerCase(), [name, String(value)]);
      return recorder;
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
    getHeader(name: string) {
      return headers.get(name.toLowerCase())?.[1];
    },
    hasHeader(name: string) {
      return headers.has(name.toLowerCase());
    },
  };
  let called = false;
  const middleware = securityHeaders(config) as unknown as (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
  middleware({ secure: false, headers: {}, method: 'GET', url: '/' }, recorder, (err) => {
    if (err) throw err;
    called = true;
  });
  if (!called) throw new Error('security headers middleware did not complete synchronously');
  return [...headers.values()];
}

/**
 * GET / and GET /buy straight from node:http, in front of Express: the two pages a visitor hits
 * most, served from ShopPages' pre-rendered HTML (one per language) with the same headers Express
 * would send (request id, helmet's headers, cache policy, language, type, length). Anything the
 * fast path is not sure about — other methods, paths or query fields (`?lang=` sets a cookie),
 * proxied HTTPS, TLS — returns false and Express answers as usual.
 */
export function createShopFastPath(deps: PortalDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const pages = deps.shopPages;
  const { config } = deps;
  const security = config.securityHeaders ? captureSecurityHeaders(config) : [];
  const behindProxy = Boolean(config.trustProxy);

  return (req, res) => {
    if (req.method !== 'GET') return false;
    // Whether the request is "secure" (HSTS) is Express's call when a proxy or TLS is involved.
    if ((behindProxy && req.headers['x-forwarded-proto'] !== undefined) || (req.socket as { encrypted?: boolean }).encrypted) return false;
    const url = req.url ?? '';
    let body: string | Buffer;
    let cacheControl: string;
    let lang: string;
    if (url === '/') {
      lang = requestLanguage(deps.i18n, req, undefined);
      body = pages.homePage(lang);
      cacheControl = HOME_CACHE_CONTROL;
    } else if (url === '/buy' || url.startsWith('/buy?')) {
      const query = url.length > 5 ? parseQuery(url.slice(5)) : {};
      if (Object.keys(query).some((k) => k !== 'plan')) return false;
      lang = requestLanguage(deps.i18n, req, undefined);
      body = pages.buyPage(query.plan, lang);
      cacheControl = 'no-store';
    } else {
      return false;
    }
    res.setHeader('X-Request-Id', responseRequestId(req, res));
    for (const [name, value] of security) res.setHeader(name, value);
    res.statusCode = 200;
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('Content-Language', lang);
    res.setHeader('Vary', LANGUAGE_VARY);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
    return true;
  };
}
