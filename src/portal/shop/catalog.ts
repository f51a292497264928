import { DURATIONS, type Settings, type Tier } from '../../contract/index.js';
import type { CachedSettings } from '../mintoffice/settings-cache.js';
import type { Plans } from './plans.js';

/** A plan as the pages show it: the partner's copy plus the API's price (when we have one). */
export interface PlanCard {
  tier: Tier;
  name: string;
  blurb: string;
  features: string[];
  featured: boolean;
  /** Monthly price in cents, or null when the settings cache is still empty. */
  priceCents: number | null;
  /** "$12", "Free", or null (unknown yet). */
  priceLabel: string | null;
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
 * Everything the shop pages need from plans.json and the cached settings, computed once per
 * settings snapshot (not per request).
 */
export class Catalog {
  readonly cards: PlanCard[];
  readonly currency: string | null;
  /** Credit bundles the API allows; "no credit" (0) is always allowed on top. */
  readonly creditOptions: CreditOption[];
  readonly tiers: ReadonlySet<string>;
  readonly defaultTier: Tier;

  constructor(
    readonly plans: Plans,
    readonly snapshot: CachedSettings | undefined,
  ) {
    const settings: Settings | undefined = snapshot?.settings;
    this.currency = settings?.pricing.currency ?? settings?.pricing_currency ?? null;
    this.cards = plans.plans.map((plan) => {
      const pricing = settings?.pricing.tiers[plan.tier];
      const priceCents = pricing ? pricing.price_cents : plan.tier === 'trial' ? 0 : null;
      return {
        ...plan,
        featured: plans.featured === plan.tier,
        priceCents,
        priceLabel: priceCents === 0 ? 'Free' : priceCents === null || !this.currency ? null : formatMoney(priceCents, this.currency),
      };
    });
    this.tiers = new Set(this.cards.map((c) => c.tier));
    this.defaultTier = plans.featured ?? this.cards[0]!.tier;
    const credit = settings?.allowed_credit_options ?? [];
    this.creditOptions = [
      { usd: 0, label: 'No credit' },
      ...[...new Set(credit)].sort((a, b) => a - b).map((usd) => ({ usd, label: this.currency ? formatMoney(usd * 100, this.currency) : `${usd} USD` })),
    ];
  }

  card(tier: string): PlanCard | undefined {
    return this.cards.find((c) => c.tier === tier);
  }

  allowsCredit(usd: number): boolean {
    return this.creditOptions.some((o) => o.usd === usd);
  }

  durations(tier: string): DurationOption[] {
    const card = this.card(tier);
    return DURATIONS.map((months) => {
      const totalCents = card?.priceCents == null ? null : card.priceCents * months;
      return {
        months,
        label: months === 1 ? '1 month' : `${months} months`,
        totalCents,
        totalLabel: totalCents === null ? null : totalCents === 0 ? 'Free' : this.currency ? formatMoney(totalCents, this.currency) : null,
      };
    });
  }
}
