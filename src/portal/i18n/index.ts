import { loadCatalogues, SOURCE_LANGUAGE, type Catalogue } from './catalogues.js';
import { Translator } from './translator.js';

export { Translator, escapeHtml, type MessageValues, type RichTags } from './translator.js';
export { langCookie, negotiateLanguage, cookieLanguage, LANG_PARAM } from './negotiate.js';

export interface ShopLanguage {
  code: string;
  /** The language's own name ("Deutsch"), from its catalogue. */
  label: string;
}

/**
 * The shop's languages: every catalogue in `locales/` that the plans file lists (the checkout's
 * languages), English first when listed. One Translator per language, built once.
 */
export class I18n {
  readonly languages: readonly ShopLanguage[];
  readonly codes: readonly string[];
  readonly defaultLanguage: string;
  private readonly translators = new Map<string, Translator>();

  constructor(listed: readonly string[], catalogues: Map<string, Catalogue> = loadCatalogues()) {
    const source = catalogues.get(SOURCE_LANGUAGE)!;
    const codes = listed.filter((code) => catalogues.has(code));
    if (codes.length === 0) codes.push(SOURCE_LANGUAGE);
    this.codes = codes;
    this.defaultLanguage = codes[0]!;
    for (const code of codes) this.translators.set(code, new Translator(code, catalogues.get(code)!, source));
    this.languages = codes.map((code) => ({ code, label: this.translators.get(code)!.t('language.name') }));
  }

  /** The translator for a shop language; anything else gets the default language's. */
  for(lang: string | undefined): Translator {
    return this.translators.get(lang ?? '') ?? this.translators.get(this.defaultLanguage)!;
  }
}
