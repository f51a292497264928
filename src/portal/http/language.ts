import type { IncomingMessage, ServerResponse } from 'node:http';
import { cookieLanguage, langCookie, LANG_PARAM, negotiateLanguage, type I18n, type ShopLanguage, type Translator } from '../i18n/index.js';

/** What every shop page needs to speak the customer's language and offer the others. */
export interface PageLanguage {
  tr: Translator;
  /** One link per shop language to this same page (`?lang=` sets the cookie, so it works without script). */
  switcher: Array<ShopLanguage & { href: string; current: boolean }>;
}

/**
 * The language for this request: a choice made now (`?lang=` from the switcher, or `picked`, the
 * picker's language field), the cookie that remembers such a choice, the order's language
 * (`order`), Accept-Language, the default. A choice made now is remembered in the cookie, so it
 * sticks on every later page.
 */
export function requestLanguage(i18n: I18n, req: IncomingMessage, res: ServerResponse | undefined, from: { picked?: unknown; order?: string | null } = {}): string {
  const chosen = new URL(req.url ?? '/', 'http://x').searchParams.get(LANG_PARAM) ?? from.picked;
  const cookie = cookieLanguage(req.headers.cookie);
  const lang = negotiateLanguage({ chosen, cookie, order: from.order, acceptLanguage: req.headers['accept-language'] }, i18n.codes, i18n.defaultLanguage);
  if (res && chosen === lang && cookie !== lang) res.appendHeader('Set-Cookie', langCookie(lang));
  return lang;
}

/** The page's language and its switcher links, for `path` with `query` (any `lang` in it is replaced). */
export function pageLanguage(i18n: I18n, lang: string, path: string, query: Record<string, string> = {}): PageLanguage {
  return {
    tr: i18n.for(lang),
    switcher: i18n.languages.map((l) => {
      const params = new URLSearchParams({ ...query, [LANG_PARAM]: l.code });
      return { ...l, href: `${path}?${params}`, current: l.code === lang };
    }),
  };
}

/** The shop pages vary by these request headers: caches must not hand one language to everyone. */
export const LANGUAGE_VARY = 'Accept-Language, Cookie';

/** A request's query as plain strings, without `lang` (for the switcher's links). */
export function plainQuery(url: string | undefined, keep: readonly string[]): Record<string, string> {
  const params = new URL(url ?? '/', 'http://x').searchParams;
  const out: Record<string, string> = {};
  for (const key of keep) {
    const v = params.get(key);
    if (v !== null && v.length <= 200) out[key] = v;
  }
  return out;
}
