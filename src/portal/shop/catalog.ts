import { DURATIONS, type Settings, type Tier } from '../../contract/index.js';
import type { Translator } from '../i18n/index.js';
import type { CachedSettings } from '../mintoffice/settings-cache.js';
import { planCopyIn, type Plans } from './plans.js';

/** A plan as the pages show it, in one language: the partner's copy plus the API's price (when we have one). */
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
 * Everything the shop pages need from plans.json and the cached settings, computed once per
 * settings snapshot (not per request); the words, per language, from the page's Translator.
 */
export class Catalog {
  readonly currency: string | null;
  /** Credit bundles in USD the API allows; "no credit" (0) is always allowed on top. */
  readonly creditUsd: readonly number[];
  readonly tiers: ReadonlySet<string>;
  readonly defaultTier: Tier;
  private readonly prices = new Map<string, number | null>();

  constructor(
    readonly plans: Plans,
    readonly snapshot: CachedSettings | undefined,
  ) {
    const settings: Settings | undefined = snapshot?.settings;
    this.currency = settings?.pricing.currency ?? settings?.pricing_currency ?? null;
    for (const plan of plans.plans) {
      const pricing = settings?.pricing.tiers[plan.tier];
      this.prices.set(plan.tier, pricing ? pricing.price_cents : plan.tier === 'trial' ? 0 : null);
    }
    this.tiers = new Set(plans.plans.map((p) => p.tier));
    this.defaultTier = plans.featured ?? plans.plans[0]!.tier;
    this.creditUsd = [0, ...[...new Set(settings?.allowed_credit_options ?? [])].sort((a, b) => a - b)];
  }

  priceCents(tier: string): number | null {
    return this.prices.get(tier) ?? null;
  }

  cards(tr: Translator): PlanCard[] {
    return this.plans.plans.map((plan) => {
      const priceCents = this.priceCents(plan.tier);
      return {
        tier: plan.tier,
        ...planCopyIn(plan, tr.lang),
        featured: this.plans.featured === plan.tier,
        priceCents,
        priceLabel: this.moneyLabel(priceCents, tr),
      };
    });
  }

  card(tier: string, tr: Translator): PlanCard | undefined {
    return this.cards(tr).find((c) => c.tier === tier);
  }

  allowsCredit(usd: number): boolean {
    return this.creditUsd.includes(usd);
  }

  /** What a credit bundle adds to the total. The API bundles credit into the plan's price today. */
  creditPriceCents(_usd: number): number {
    return 0;
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

  durations(tier: string, tr: Translator): DurationOption[] {
    const price = this.priceCents(tier);
    return DURATIONS.map((months) => {
      const totalCents = price === null ? null : price * months;
      return { months, label: tr.t('duration.months', { n: months }), totalCents, totalLabel: this.moneyLabel(totalCents, tr) };
    });
  }

  /** The picker's summary for these choices: plan, duration, credit, total. A trial is 24 hours without credit. */
  summary(choices: { plan: string; duration: number; credit: number }, tr: Translator): OrderSummary {
    const trial = choices.plan === 'trial';
    const plan = this.plans.plans.find((p) => p.tier === choices.plan);
    const price = this.priceCents(choices.plan);
    const total = price === null ? null : trial ? 0 : price * choices.duration + this.creditPriceCents(choices.credit);
    const credit = trial || choices.credit === 0 ? tr.t('buy.credit.none') : tr.t('summary.creditIncluded', { amount: tr.money(choices.credit * 100, 'USD'), included: this.creditPriceCents(choices.credit) === 0 ? 'yes' : 'no' });
    return {
      planName: plan ? planCopyIn(plan, tr.lang).name : choices.plan,
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
