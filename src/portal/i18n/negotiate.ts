/** The cookie the language switcher (and the picker's language choice) sets. */
export const LANG_COOKIE = 'lang';
export const LANG_PARAM = 'lang';
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/** `Set-Cookie` value remembering a language choice for the whole shop. */
export function langCookie(code: string): string {
  return `${LANG_COOKIE}=${encodeURIComponent(code)}; Path=/; Max-Age=${ONE_YEAR_SECONDS}; SameSite=Lax`;
}

/** The `lang` cookie's value from a Cookie header, if any. */
export function cookieLanguage(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === LANG_COOKIE) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The best of `available` for an Accept-Language header: highest q first, an exact tag before a
 * base-language match ("pt" or "pt-PT" finds "pt-BR", "de-AT" finds "de"). Case-insensitive.
 */
export function acceptedLanguage(header: string | undefined, available: readonly string[]): string | undefined {
  if (!header) return undefined;
  const wanted = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((w) => w.tag && w.tag !== '*' && w.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const lower = available.map((code) => code.toLowerCase());
  for (const { tag } of wanted) {
    const exact = lower.indexOf(tag);
    if (exact >= 0) return available[exact];
    const base = tag.split('-')[0]!;
    const related = lower.findIndex((code) => code === base || code.split('-')[0] === base);
    if (related >= 0) return available[related];
  }
  return undefined;
}

export interface LanguageSources {
  /** A choice made on this request: `?lang=` from the switcher, or the picker's language field. */
  chosen?: unknown;
  /** The choice remembered in the cookie. */
  cookie?: string | undefined;
  /** The order's language on its status page (the picker's choice when it was bought). */
  order?: string | null | undefined;
  acceptLanguage?: string | undefined;
}

/** The page language: a choice made now, the remembered choice, the order's, the browser's, the default. */
export function negotiateLanguage(sources: LanguageSources, available: readonly string[], fallback: string): string {
  const known = (v: unknown): string | undefined => (typeof v === 'string' && available.includes(v) ? v : undefined);
  return known(sources.chosen) ?? known(sources.cookie) ?? known(sources.order) ?? acceptedLanguage(sources.acceptLanguage, available) ?? fallback;
}
