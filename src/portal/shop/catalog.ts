import type { CachedCatalog } from '../mintoffice/catalog-cache.js';
import type { CachedSettings } from '../mintoffice/settings-cache.js';
import { buildOffer, type Offer } from './offer.js';
import type { Plans } from './plans.js';

/** A plan as the pages show it: the partner's copy plus the API's price (when we have one). */
export interface PlanCard {
  tier: string;
  name: string;
  blurb: string;
  features: string[];
  featured: boolean;
  /** Monthly price in cents, or null when the settings cache is still empty. */
  priceCents: number | null;
  /** "$12", "Free", or null (unknown yet). */
  priceLabel: string | null;
  /** The monthly charge when the API's catalog says this plan can renew automatically. */
  subscription: { priceCents: number; priceLabel: string | null } | null;
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
  /** What the bundle adds to the total: 0 when the plan's price includes it. */
  priceCents: number;
}

const formatters = new Map<string, Intl.NumberFormat[]>();

/** "$12" for whole amounts, "$12.50" otherwise; an unknown currency code falls back to "12.50 XYZ". */
export function formatMoney(cents: number, currency: string): string {
  const code = currency.toUpperCase();
  let pair = formatters.get(code);
  if (!pair) {
    try {
      pair = [0, 2].map((digits) => new Intl.NumberFormat('en', { style: 'currency', currency: code, minimumFractionDigits: digits, maximumFractionDigits: digits }));
    } catch {
      pair = [];
    }
    formatters.set(code, pair);
  }
  const whole = cents % 100 === 0;
  const f = pair[whole ? 0 : 1];
  return f ? f.format(cents / 100) : `${(cents / 100).toFixed(2)} ${code}`;
}

/**
 * Everything the shop pages need from plans.json, the cached settings and the cached API catalog,
 * computed once per snapshot (not per request). What is sold and at what price comes from the
 * offer (see offer.ts): the API's catalog when it has one, else the settings and plans.json.
 */
export class Catalog {
  readonly offer: Offer;
  readonly cards: PlanCard[];
  readonly currency: string | null;
  /** Credit bundles the API allows; "no credit" (0) is always allowed on top. */
  readonly creditOptions: CreditOption[];
  readonly tiers: ReadonlySet<string>;
  readonly defaultTier: string;

  constructor(
    readonly plans: Plans,
    readonly snapshot: CachedSettings | undefined,
    readonly catalogSnapshot: CachedCatalog | undefined = undefined,
  ) {
    this.offer = buildOffer(plans, snapshot?.settings, catalogSnapshot?.catalog);
    this.currency = this.offer.currency;
    this.cards = this.offer.packages.map((pkg) => ({
      tier: pkg.tier,
      name: pkg.copy?.name ?? pkg.apiName ?? pkg.tier,
      blurb: pkg.copy?.blurb ?? pkg.apiDescription ?? '',
      features: pkg.copy?.features ?? [],
      featured: pkg.featured,
      priceCents: pkg.monthlyCents,
      priceLabel: this.money(pkg.monthlyCents),
      subscription: pkg.subscriptionCents === null ? null : { priceCents: pkg.subscriptionCents, priceLabel: this.money(pkg.subscriptionCents) },
    }));
    this.tiers = new Set(this.cards.map((c) => c.tier));
    this.defaultTier = this.offer.defaultTier;
    this.creditOptions = [
      { usd: 0, label: 'No credit', priceCents: 0 },
      ...this.offer.creditUsd.map((usd) => ({
        usd,
        label: this.currency ? formatMoney(usd * 100, this.currency) : `${usd} USD`,
        priceCents: this.offer.creditPriceCents.get(usd) ?? 0,
      })),
    ];
  }

  /** Whether the prices shown come from the API (catalog or settings) rather than nothing yet. */
  get pricesKnown(): boolean {
    return this.offer.source !== 'none';
  }

  card(tier: string): PlanCard | undefined {
    return this.cards.find((c) => c.tier === tier);
  }

  allowsCredit(usd: number): boolean {
    return this.creditOptions.some((o) => o.usd === usd);
  }

  creditPriceCents(usd: number): number {
    return this.creditOptions.find((o) => o.usd === usd)?.priceCents ?? 0;
  }

  /**
   * The picker's durations: every length any plan is sold for, priced for `tier` (its listed
   * total, else its monthly price × months). A trial is 24 hours whatever is picked.
   */
  durations(tier: string): DurationOption[] {
    const pkg = this.offer.packages.find((p) => p.tier === tier);
    const months = [...new Set(this.offer.packages.flatMap((p) => p.durations.map((d) => d.months)))].sort((a, b) => a - b);
    return (months.length > 0 ? months : [1, 3, 12]).map((m) => {
      const listed = pkg?.durations.find((d) => d.months === m);
      const totalCents = listed ? listed.totalCents : pkg?.monthlyCents == null ? null : pkg.monthlyCents * m;
      return { months: m, label: m === 1 ? '1 month' : `${m} months`, totalCents, totalLabel: this.money(totalCents) };
    });
  }

  /** Whether `tier` is sold for `months` (a trial for any: it is 24 hours regardless). */
  sells(tier: string, months: number): boolean {
    const pkg = this.offer.packages.find((p) => p.tier === tier);
    return pkg !== undefined && (tier === 'trial' || pkg.durations.some((d) => d.months === months));
  }

  private money(cents: number | null): string | null {
    if (cents === 0) return 'Free';
    return cents === null || !this.currency ? null : formatMoney(cents, this.currency);
  }
}
