import { randomUUID } from 'node:crypto';
import type { PortalDeps } from '../deps.js';
import { pageLanguage } from '../http/language.js';
import { renderHtml } from '../http/render.js';
import type { Translator } from '../i18n/index.js';
import { Catalog } from './catalog.js';
import { loadPlans, type Plans } from './plans.js';

export interface Choices {
  plan: string;
  duration: number;
  credit: number;
  language: string;
  /** "Renew automatically every month": a subscription instead of a one-off order. */
  subscribe: boolean;
  /** Needed for a subscription; never carried in a URL. */
  email: string;
}

/** Stands in for the per-view idempotency key in pre-rendered forms. */
const KEY_SLOT = 'KEYSLOT0KEYSLOT0KEYSLOT0KEYSLOT0';

/**
 * The shop's page state, one per portal: the validated plans file, the catalog for the current
 * settings snapshot, and the pages that do not depend on the request, rendered once per snapshot
 * and language. Shared by the Express routes and the GET fast path so both answer byte for byte
 * the same.
 */
export class ShopPages {
  readonly plans: Plans;
  /** The checkout languages (plans.json); the shop's own page languages are deps.i18n's. */
  readonly languages: ReadonlySet<string>;
  readonly defaultLanguage: string;
  private current: Catalog;
  private readonly homes = new Map<string, Buffer>();
  private readonly forms = new Map<string, [string, string]>();

  constructor(
    private readonly deps: Pick<PortalDeps, 'config' | 'settings' | 'catalog' | 'views' | 'i18n'>,
    plans: Plans = loadPlans(deps.config.plansFile),
  ) {
    this.plans = plans;
    this.languages = new Set(this.plans.languages.map((l) => l.code));
    this.defaultLanguage = this.plans.languages[0]!.code;
    this.current = new Catalog(this.plans, deps.settings.get(), deps.catalog.get());
  }

  /** The catalog for the current settings and API-catalog snapshots; cached pages are dropped when either changes. */
  catalog(): Catalog {
    const snapshot = this.deps.settings.get();
    const apiCatalog = this.deps.catalog.get();
    if (snapshot !== this.current.snapshot || apiCatalog !== this.current.catalogSnapshot) {
      this.current = new Catalog(this.plans, snapshot, apiCatalog);
      this.homes.clear();
      this.forms.clear();
    }
    return this.current;
  }

  homePage(lang: string): Buffer {
    const cat = this.catalog();
    let home = this.homes.get(lang);
    if (!home) {
      const language = pageLanguage(this.deps.i18n, lang, '/');
      home = Buffer.from(renderHtml(this.deps, 'portal/home', '/', { cards: cat.cards(language.tr), pricesKnown: cat.pricesKnown }, language));
      this.homes.set(lang, home);
    }
    return home;
  }

  /** The picker's starting choices: the plan asked for (or the featured one), 1 month, no credit, the page's language. */
  defaultChoices(plan: unknown, lang: string): Choices {
    const cat = this.catalog();
    return {
      plan: typeof plan === 'string' && cat.tiers.has(plan) ? plan : cat.defaultTier,
      duration: 1,
      credit: 0,
      language: this.languages.has(lang) ? lang : this.defaultLanguage,
      subscribe: false,
      email: '',
    };
  }

  /**
   * Choices carried in a URL (the picker's "Update summary" without script, the checkout's cancel
   * link). Anything unknown or no longer offered falls back to the default, so a stale or edited
   * link still shows a valid form.
   */
  choicesFromQuery(query: Record<string, unknown>, lang: string): Choices {
    const cat = this.catalog();
    const base = this.defaultChoices(query['plan'], lang);
    const wholeNumber = (v: unknown): number | null => (typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : null);
    const months = wholeNumber(query['duration_months']);
    const credit = wholeNumber(query['credit_usd']);
    const language = query['language'];
    return {
      plan: base.plan,
      duration: months !== null && cat.durations(base.plan, this.deps.i18n.for(lang)).some((d) => d.months === months) ? months : base.duration,
      credit: credit !== null && cat.allowsCredit(credit) ? credit : base.credit,
      language: typeof language === 'string' && this.languages.has(language) ? language : base.language,
      subscribe: query['subscribe'] === '1' && cat.subscriptionCents(base.plan) !== null,
      email: '',
    };
  }

  formData(choices: Choices, extra: Record<string, unknown>, tr: Translator): Record<string, unknown> {
    const cat = this.catalog();
    return {
      title: tr.t('buy.title'),
      cards: cat.cards(tr),
      pricesKnown: cat.pricesKnown,
      choices,
      trial: choices.plan === 'trial',
      durations: cat.durations(choices.plan, tr),
      creditOptions: cat.creditOptions(tr),
      summary: cat.summary(choices, tr),
      languages: this.plans.languages,
      currency: cat.currency,
      script: '/static/js/buy.js',
      ...extra,
    };
  }

  /** The picker for `GET /buy?plan=`: rendered once per plan, language and snapshot, with a new key per view. */
  buyPage(plan: unknown, lang: string): string {
    const choices = this.defaultChoices(plan, lang);
    const cacheKey = `${lang}\u0000${choices.plan}`;
    let parts = this.forms.get(cacheKey);
    if (!parts) {
      const language = pageLanguage(this.deps.i18n, lang, '/buy', { plan: choices.plan });
      const html = renderHtml(this.deps, 'portal/buy', '/buy', this.formData(choices, { idempotencyKey: KEY_SLOT }, language.tr), language);
      const at = html.indexOf(KEY_SLOT);
      parts = [html.slice(0, at), html.slice(at + KEY_SLOT.length)];
      this.forms.set(cacheKey, parts);
    }
    return parts[0] + randomUUID() + parts[1];
  }
}
