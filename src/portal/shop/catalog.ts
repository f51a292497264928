import type { Translator } from '../i18n/index.js';
import type { CachedCatalog } from '../mintoffice/catalog-cache.js';
import type { CachedSettings } from '../mintoffice/settings-cache.js';
import { buildOffer, type Offer, type OfferedPackage } from './offer.js';
import { planCopyIn, type Plans } from './plans.js';

/** A plan as the pages show it, in one language: the partner's copy plus the API's price (when we have one). */
export interface PlanCard {
  tier: string;
  name: string;
  blurb: string;
  features: string[];
  featured: boolean;
  /** Monthly price in cents, or null when the price is not known yet. */
  priceCents: number | null;
  /** "$12", "Free", or null (unknown yet). */
  priceLabel: string | null;
  /** The monthly charge when the API's catalog says this plan can renew automatically. */
  subscription: { priceCents: number; priceLabel: string | null } | null;
  /** Total per length in months, as buy.js needs it: a catalog may price a length below monthly × months. */
  totalsByMonths: Record<number, number | null>;
}

export interface DurationOption {
  months: number;
  label: string;
  /** Total for the selected plan, or null when its price is unknown. */
  totalCents: number | null;
  totalLabel: string | null;
}

export interface CreditOption {
  usd: number;
  label: string;
  /** What this bundle does to the total, in words: "Included in the price", "+ $5", "No credit". */
  note: string;
  /** What it adds to the total (0: the API bundles it into the plan's price). */
  priceCents: number;
}

/** The order summary the picker shows (server-rendered; buy.js recomputes the same from data attributes). */
export interface OrderSummary {
  planName: string;
  durationLabel: string;
  creditLabel: string;
  totalLabel: string;
  trial: boolean;
}

/**
 * Everything the shop pages need from plans.json, the cached settings and the cached API catalog,
 * computed once per snapshot (not per request); the words, per language, from the page's
 * Translator. What is sold and at what price is the offer (offer.ts): the API's catalog when it
 * has one, else the settings' prices and plans.json.
 */
export class Catalog {
  readonly offer: Offer;
  readonly currency: string | null;
  /** Credit bundles in USD the API allows; "no credit" (0) is always allowed on top. */
  readonly creditUsd: readonly number[];
  readonly tiers: ReadonlySet<string>;
  readonly defaultTier: string;
  private readonly packages: ReadonlyMap<string, OfferedPackage>;

  constructor(
    readonly plans: Plans,
    readonly snapshot: CachedSettings | undefined,
    readonly catalogSnapshot: CachedCatalog | undefined = undefined,
  ) {
    this.offer = buildOffer(plans, snapshot?.settings, catalogSnapshot?.catalog);
    this.currency = this.offer.currency;
    this.packages = new Map(this.offer.packages.map((p) => [p.tier, p]));
    this.tiers = new Set(this.packages.keys());
    this.defaultTier = this.offer.defaultTier;
    this.creditUsd = [0, ...this.offer.creditUsd];
  }

  /** Whether the prices shown come from the API (catalog or settings) rather than nothing yet. */
  get pricesKnown(): boolean {
    return this.offer.source !== 'none';
  }

  priceCents(tier: string): number | null {
    return this.packages.get(tier)?.monthlyCents ?? null;
  }

  /** The package's name, blurb and features in `lang`: plans.json's copy, else the API catalog's words. */
  copy(tier: string, lang: string): { name: string; blurb: string; features: string[] } {
    const pkg = this.packages.get(tier);
    if (pkg?.copy) return planCopyIn(pkg.copy, lang);
    return { name: pkg?.apiName ?? tier, blurb: pkg?.apiDescription ?? '', features: [] };
  }

  cards(tr: Translator): PlanCard[] {
    return this.offer.packages.map((pkg) => ({
      tier: pkg.tier,
      ...this.copy(pkg.tier, tr.lang),
      featured: pkg.featured,
      priceCents: pkg.monthlyCents,
      priceLabel: this.moneyLabel(pkg.monthlyCents, tr),
      subscription: pkg.subscriptionCents === null ? null : { priceCents: pkg.subscriptionCents, priceLabel: this.moneyLabel(pkg.subscriptionCents, tr) },
      totalsByMonths: Object.fromEntries(this.lengths().map((m) => [m, this.totalCents(pkg.tier, m)])),
    }));
  }

  card(tier: string, tr: Translator): PlanCard | undefined {
    return this.cards(tr).find((c) => c.tier === tier);
  }

  /** The monthly charge when `tier` can renew automatically, else null. */
  subscriptionCents(tier: string): number | null {
    return this.packages.get(tier)?.subscriptionCents ?? null;
  }

  allowsCredit(usd: number): boolean {
    return this.creditUsd.includes(usd);
  }

  /** What a credit bundle adds to the total (the API's catalog says; without one it is included). */
  creditPriceCents(usd: number): number {
    return this.offer.creditPriceCents.get(usd) ?? 0;
  }

  creditOptions(tr: Translator): CreditOption[] {
    return this.creditUsd.map((usd) => {
      const priceCents = this.creditPriceCents(usd);
      if (usd === 0) return { usd, label: tr.t('buy.credit.none'), note: tr.t('buy.credit.noneNote'), priceCents };
      return {
        usd,
        label: tr.t('buy.credit.amount', { amount: tr.money(usd * 100, 'USD') }),
        note: priceCents === 0 ? tr.t('buy.credit.included') : tr.t('buy.credit.adds', { amount: this.moneyLabel(priceCents, tr) ?? '' }),
        priceCents,
      };
    });
  }

  /** The total for `tier` over `months` without credit: its listed price, else monthly × months. */
  totalCents(tier: string, months: number): number | null {
    const pkg = this.packages.get(tier);
    const listed = pkg?.durations.find((d) => d.months === months);
    if (listed) return listed.totalCents;
    return pkg?.monthlyCents == null ? null : pkg.monthlyCents * months;
  }

  /** Every length in months any plan is sold for, shortest first. */
  private lengths(): number[] {
    const months = [...new Set(this.offer.packages.flatMap((p) => p.durations.map((d) => d.months)))].sort((a, b) => a - b);
    return months.length > 0 ? months : [1, 3, 12];
  }

  /** The picker's lengths: every one any plan is sold for, priced for `tier`. */
  durations(tier: string, tr: Translator): DurationOption[] {
    return this.lengths().map((m) => {
      const totalCents = this.totalCents(tier, m);
      return { months: m, label: tr.t('duration.months', { n: m }), totalCents, totalLabel: this.moneyLabel(totalCents, tr) };
    });
  }

  /** Whether `tier` is sold for `months` (a trial for any: it is 24 hours regardless). */
  sells(tier: string, months: number): boolean {
    const pkg = this.packages.get(tier);
    return pkg !== undefined && (tier === 'trial' || pkg.durations.some((d) => d.months === months));
  }

  /** The picker's summary for these choices: plan, duration, credit, total. A trial is 24 hours without credit. */
  summary(choices: { plan: string; duration: number; credit: number }, tr: Translator): OrderSummary {
    const trial = choices.plan === 'trial';
    const base = this.totalCents(choices.plan, trial ? 1 : choices.duration);
    const total = base === null ? null : trial ? 0 : base + this.creditPriceCents(choices.credit);
    const credit = trial || choices.credit === 0 ? tr.t('buy.credit.none') : tr.t('summary.creditIncluded', { amount: tr.money(choices.credit * 100, 'USD'), included: this.creditPriceCents(choices.credit) === 0 ? 'yes' : 'no' });
    return {
      planName: this.copy(choices.plan, tr.lang).name,
      durationLabel: trial ? tr.t('duration.trial') : tr.t('duration.months', { n: choices.duration }),
      creditLabel: credit,
      totalLabel: this.moneyLabel(total, tr) ?? tr.t('summary.totalAtCheckout'),
      trial,
    };
  }

  /** "$36", "Free" for 0, or null when the price (or currency) is not known yet. */
  moneyLabel(cents: number | null, tr: Translator): string | null {
    if (cents === 0) return tr.t('price.free');
    if (cents === null || !this.currency) return null;
    return tr.money(cents, this.currency);
  }
}
