import { DURATIONS, type PackageCatalog, type Settings } from '../../contract/index.js';
import type { PlanCopy, Plans } from './plans.js';

export interface OfferedDuration {
  months: number;
  /** The total for this duration without credit, or null while the price is unknown. */
  totalCents: number | null;
}

export interface OfferedPackage {
  tier: string;
  /** The partner's copy from plans.json, when it has some for this tier. */
  copy: PlanCopy | undefined;
  /** The API's words for the package (catalog), used where plans.json has none. */
  apiName: string | null;
  apiDescription: string | null;
  featured: boolean;
  /** Price per month, or null while unknown. */
  monthlyCents: number | null;
  durations: OfferedDuration[];
  /** The monthly charge when the package can be subscribed, else null. */
  subscriptionCents: number | null;
}

/** What the shop sells right now, whichever way the API told us. */
export interface Offer {
  /** `catalog`: GET /catalog; `settings`: the settings' prices and plans.json; `none`: no answer yet. */
  source: 'catalog' | 'settings' | 'none';
  currency: string | null;
  packages: OfferedPackage[];
  /** Credit bundles in USD (not 0, which is always offered), ascending. */
  creditUsd: number[];
  /** What each bundle adds to the total (0: included in the plan's price). */
  creditPriceCents: ReadonlyMap<number, number>;
  defaultTier: string;
}

/**
 * The shop's offer. With the API's catalog: exactly its packages, durations and prices, with the
 * partner's copy from plans.json laid over any tier it names. Without one (the API answers 404 or
 * has never answered): plans.json's plans at the settings' prices, as the spec's API implies.
 */
export function buildOffer(plans: Plans, settings: Settings | undefined, catalog: PackageCatalog | undefined): Offer {
  return catalog ? fromCatalog(plans, catalog) : fromSettings(plans, settings);
}

function fromCatalog(plans: Plans, catalog: PackageCatalog): Offer {
  const partnerPick = plans.featured && catalog.packages.some((p) => p.tier === plans.featured) ? plans.featured : undefined;
  const packages = catalog.packages.map((pkg): OfferedPackage => {
    const shortest = [...pkg.durations].sort((a, b) => a.months - b.months)[0];
    return {
      tier: pkg.tier,
      copy: plans.plans.find((p) => p.tier === pkg.tier),
      apiName: pkg.display_name,
      apiDescription: pkg.description,
      featured: partnerPick ? pkg.tier === partnerPick : pkg.featured,
      monthlyCents: shortest ? Math.round(shortest.price_cents / shortest.months) : null,
      durations: pkg.durations.map((d) => ({ months: d.months, totalCents: d.price_cents })),
      subscriptionCents: pkg.subscription.available ? pkg.subscription.price_cents : null,
    };
  });
  const credit = [...catalog.credit_options].filter((o) => o.usd > 0).sort((a, b) => a.usd - b.usd);
  return {
    source: 'catalog',
    currency: catalog.currency,
    packages,
    creditUsd: credit.map((o) => o.usd),
    creditPriceCents: new Map(credit.map((o) => [o.usd, o.price_cents])),
    defaultTier: packages.find((p) => p.featured)?.tier ?? packages[0]?.tier ?? plans.plans[0]!.tier,
  };
}

function fromSettings(plans: Plans, settings: Settings | undefined): Offer {
  // plans.json may hold copy for packages only a catalog sells: without one, sell what the settings price.
  const priced = plans.plans.filter((plan) => settings?.pricing.tiers[plan.tier] !== undefined || plan.tier === 'trial');
  const sold = settings && priced.length > 0 ? priced : plans.plans;
  const packages = sold.map((plan): OfferedPackage => {
    const pricing = settings?.pricing.tiers[plan.tier];
    const monthly = pricing ? pricing.price_cents : plan.tier === 'trial' ? 0 : null;
    return {
      tier: plan.tier,
      copy: plan,
      apiName: null,
      apiDescription: null,
      featured: plans.featured === plan.tier,
      monthlyCents: monthly,
      durations: DURATIONS.map((months) => ({ months, totalCents: monthly === null ? null : monthly * months })),
      // Subscriptions are sold only where the API's catalog says a package can be subscribed.
      subscriptionCents: null,
    };
  });
  const credit = [...new Set(settings?.allowed_credit_options ?? [])].sort((a, b) => a - b);
  return {
    source: settings ? 'settings' : 'none',
    currency: settings?.pricing.currency ?? settings?.pricing_currency ?? null,
    packages,
    creditUsd: credit,
    creditPriceCents: new Map(credit.map((usd) => [usd, 0])),
    defaultTier: packages.find((p) => p.featured)?.tier ?? packages[0]!.tier,
  };
}
