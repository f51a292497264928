import { IntlMessageFormat, type PrimitiveType } from 'intl-messageformat';
import { SOURCE_LANGUAGE, type Catalogue } from './catalogues.js';

export type MessageValues = Record<string, PrimitiveType>;

/** Markup a rich message may wrap around its words: `<b>…</b>` becomes `open + words + close`. */
export type RichTags = Record<string, { open: string; close: string }>;

interface Html {
  html: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * One language's messages, with ICU MessageFormat (plurals, selects, numbers) through FormatJS's
 * intl-messageformat, and money and dates through Intl for the same locale. A key this language
 * lacks falls back to English; a key English lacks is a programming error and throws.
 */
export class Translator {
  private readonly compiled = new Map<string, IntlMessageFormat>();
  private readonly money0: Map<string, Intl.NumberFormat | null> = new Map();
  private readonly dates: Intl.DateTimeFormat;

  constructor(
    readonly lang: string,
    private readonly catalogue: Catalogue,
    private readonly source: Catalogue,
  ) {
    this.dates = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC', timeZoneName: 'short' });
  }

  /** The message for `key` as plain text (templates escape it). */
  t = (key: string, values?: MessageValues): string => {
    const out = this.format(key).format<string>(values);
    return Array.isArray(out) ? out.join('') : String(out);
  };

  /**
   * The message as HTML: every word and value escaped, only the given tags turned into markup.
   * For sentences with a link or emphasis inside, which must not be cut into pieces to translate.
   */
  rich = (key: string, values: MessageValues = {}, tags: RichTags = {}): string => {
    const handlers: Record<string, (chunks: Array<string | Html>) => Html> = {};
    for (const [name, tag] of Object.entries(tags)) {
      handlers[name] = (chunks) => ({ html: tag.open + chunks.map(toHtml).join('') + tag.close });
    }
    const out = this.format(key).format<Html>({ ...values, ...handlers });
    return (Array.isArray(out) ? out : [out]).map((part) => toHtml(part as string | Html)).join('');
  };

  /** "$12" for whole amounts, "12,50 $" in German; an unknown currency code falls back to "12.50 XYZ". */
  money = (cents: number, currency: string): string => {
    const code = currency.toUpperCase();
    const whole = cents % 100 === 0;
    const key = `${code}:${whole ? 0 : 2}`;
    let f = this.money0.get(key);
    if (f === undefined) {
      try {
        f = new Intl.NumberFormat(this.lang, { style: 'currency', currency: code, minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: whole ? 0 : 2 });
      } catch {
        f = null;
      }
      this.money0.set(key, f);
    }
    return f ? f.format(cents / 100) : `${(cents / 100).toFixed(2)} ${code}`;
  };

  /** A UTC moment as the locale writes it, with the zone named: "16 May 2026 at 10:02 UTC". */
  dateTime = (ms: number): string => this.dates.format(ms);

  private format(key: string): IntlMessageFormat {
    let message = this.compiled.get(key);
    if (!message) {
      const own = this.catalogue.get(key);
      const text = own ?? this.source.get(key);
      if (text === undefined) throw new Error(`i18n: no message "${key}" in ${SOURCE_LANGUAGE}`);
      message = new IntlMessageFormat(text, own === undefined ? SOURCE_LANGUAGE : this.lang);
      this.compiled.set(key, message);
    }
    return message;
  }
}

function toHtml(part: string | Html): string {
  return typeof part === 'string' ? escapeHtml(part) : part.html;
}
