import { randomUUID } from 'node:crypto';
import type { PortalDeps } from '../deps.js';
import { renderHtml } from '../http/render.js';
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
 * settings snapshot, and the pages that do not depend on the request, rendered once per snapshot.
 * Shared by the Express routes and the GET fast path so both answer byte for byte the same.
 */
export class ShopPages {
  readonly plans: Plans;
  readonly languages: ReadonlySet<string>;
  readonly defaultLanguage: string;
  private current: Catalog;
  private home: Buffer | undefined;
  private readonly forms = new Map<string, [string, string]>();

  constructor(private readonly deps: Pick<PortalDeps, 'config' | 'settings' | 'catalog' | 'views'>) {
    this.plans = loadPlans(deps.config.plansFile);
    this.languages = new Set(this.plans.languages.map((l) => l.code));
    this.defaultLanguage = this.plans.languages[0]!.code;
    this.current = new Catalog(this.plans, deps.settings.get(), deps.catalog.get());
  }

  /** The catalog for the current settings snapshot; cached pages are dropped when it changes. */
  catalog(): Catalog {
    const snapshot = this.deps.settings.get();
    const apiCatalog = this.deps.catalog.get();
    if (snapshot !== this.current.snapshot || apiCatalog !== this.current.catalogSnapshot) {
      this.current = new Catalog(this.plans, snapshot, apiCatalog);
      this.home = undefined;
      this.forms.clear();
    }
    return this.current;
  }

  homePage(): Buffer {
    const cat = this.catalog();
    this.home ??= Buffer.from(renderHtml(this.deps, 'portal/home', '/', { cards: cat.cards, pricesKnown: cat.pricesKnown }));
    return this.home;
  }

  defaultChoices(plan?: unknown): Choices {
    const cat = this.catalog();
    return {
      plan: typeof plan === 'string' && cat.tiers.has(plan) ? plan : cat.defaultTier,
      duration: 1,
      credit: 0,
      language: this.defaultLanguage,
      subscribe: false,
      email: '',
    };
  }

  /**
   * Choices carried back in a URL (the checkout's cancel link). Anything unknown or no longer
   * offered falls back to the default, so a stale or edited link still shows a valid form.
   */
  choicesFromQuery(query: Record<string, unknown>): Choices {
    const cat = this.catalog();
    const base = this.defaultChoices(query['plan']);
    if (base.plan === 'trial') return base;
    const wholeNumber = (v: unknown): number | null => (typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : null);
    const months = wholeNumber(query['duration_months']);
    const credit = wholeNumber(query['credit_usd']);
    const language = query['language'];
    return {
      plan: base.plan,
      duration: months !== null && cat.durations(base.plan).some((d) => d.months === months) ? months : base.duration,
      credit: credit !== null && cat.allowsCredit(credit) ? credit : base.credit,
      language: typeof language === 'string' && this.languages.has(language) ? language : base.language,
      subscribe: query['subscribe'] === '1' && cat.card(base.plan)?.subscription != null,
      email: '',
    };
  }

  formData(choices: Choices, extra: Record<string, unknown>): Record<string, unknown> {
    const cat = this.catalog();
    return {
      title: 'Choose your plan',
      cards: cat.cards,
      pricesKnown: cat.pricesKnown,
      choices,
      durations: cat.durations(choices.plan),
      creditOptions: cat.creditOptions,
      languages: this.plans.languages,
      currency: cat.currency,
      script: '/static/js/buy.js',
      ...extra,
    };
  }

  /** The picker for `GET /buy?plan=`: rendered once per plan and snapshot, with a new key per view. */
  buyPage(plan: unknown): string {
    const choices = this.defaultChoices(plan);
    let parts = this.forms.get(choices.plan);
    if (!parts) {
      const html = renderHtml(this.deps, 'portal/buy', '/buy', this.formData(choices, { idempotencyKey: KEY_SLOT }));
      const at = html.indexOf(KEY_SLOT);
      parts = [html.slice(0, at), html.slice(at + KEY_SLOT.length)];
      this.forms.set(choices.plan, parts);
    }
    return parts[0] + randomUUID() + parts[1];
  }
}

