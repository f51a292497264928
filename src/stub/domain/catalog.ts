import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DURATIONS, TierName, type CatalogPackage, type PackageCatalog } from '../../contract/index.js';

/**
 * What the stub sells (STUB_CATALOG_FILE, JSON): the packages with their prices and partner cuts,
 * the subscription offer and the credit bundles. `GET /catalog`, `GET /settings` (pricing and
 * allowed_credit_options), order and subscription prices and revenue all read this one object,
 * so they cannot disagree. Without a file: the spec's trial, s1, s2, s4 at the spec's prices.
 */
const Cents = z.number({ error: 'must be a whole number of cents' }).int({ error: 'must be a whole number of cents' }).min(0).max(100_000_000);
const Months = z.union([z.literal(1), z.literal(3), z.literal(12)], { error: 'must be one of 1, 3, 12' });

const PackageFile = z.strictObject({
  tier: TierName,
  display_name: z.string().trim().min(1).max(60),
  description: z.string().trim().max(300).default(''),
  featured: z.boolean().default(false),
  /** Per month; a duration's total defaults to this × months. */
  price_cents: Cents,
  partner_cut_cents: Cents.default(0),
  default_credit_usd: z.number().int().min(0).default(0),
  durations: z
    .array(z.strictObject({ months: Months, label: z.string().trim().min(1).max(40).optional(), price_cents: Cents.optional() }))
    .min(1)
    .optional(),
  subscription: z.union([z.boolean(), z.strictObject({ price_cents: Cents })]).optional(),
});

const CatalogFile = z.strictObject({
  $comment: z.string().optional(),
  packages: z.array(PackageFile).min(1, { error: 'list at least one package' }),
  /** Replaces STUB_CREDIT_OPTIONS when given. */
  credit_options: z.array(z.strictObject({ usd: z.number().int().min(1), price_cents: Cents.default(0) })).optional(),
});
type PackageFile = z.infer<typeof PackageFile>;
type CatalogFile = z.infer<typeof CatalogFile>;

const TRIAL = 'trial';

/** The spec's tiers at the spec's prices (the "Settings" example). */
export const DEFAULT_CATALOG: CatalogFile = {
  packages: [
    { tier: 'trial', display_name: 'Trial', description: 'One agent for 24 hours, free.', featured: false, price_cents: 0, partner_cut_cents: 0, default_credit_usd: 0 },
    { tier: 's1', display_name: 'S1', description: '1 vCPU agent server with the web panel and Telegram.', featured: false, price_cents: 1200, partner_cut_cents: 200, default_credit_usd: 10 },
    { tier: 's2', display_name: 'S2', description: '2 vCPU agent server: faster answers, more tools at once.', featured: true, price_cents: 2400, partner_cut_cents: 400, default_credit_usd: 10 },
    { tier: 's4', display_name: 'S4', description: '4 vCPU agent server for agents that work all day.', featured: false, price_cents: 4800, partner_cut_cents: 800, default_credit_usd: 20 },
  ],
};

const monthsLabel = (months: number) => (months === 1 ? '1 month' : `${months} months`);

export interface StubPackage {
  tier: string;
  priceCents: number;
  partnerCutCents: number;
  /** Monthly charge, or null when the package cannot be subscribed. */
  subscriptionCents: number | null;
  presented: CatalogPackage;
}

export class StubCatalog {
  readonly packages: ReadonlyMap<string, StubPackage>;
  readonly tiers: readonly string[];
  readonly subscribableTiers: readonly string[];
  readonly creditOptions: ReadonlyMap<number, number>;
  readonly currency = 'usd';

  constructor(file: CatalogFile, creditOptionsFallback: readonly number[]) {
    const credit = file.credit_options ?? creditOptionsFallback.map((usd) => ({ usd, price_cents: 0 }));
    this.creditOptions = new Map(credit.map((option) => [option.usd, option.price_cents]));
    this.packages = new Map(file.packages.map((pkg) => [pkg.tier, this.build(pkg)]));
    this.tiers = [...this.packages.keys()];
    this.subscribableTiers = this.tiers.filter((tier) => this.packages.get(tier)!.subscriptionCents !== null);
  }

  get(tier: string): StubPackage | undefined {
    return this.packages.get(tier);
  }

  /** What an order costs: the duration's price plus the credit bundle's price. */
  orderAmountCents(tier: string, months: number, creditUsd: number): number {
    const pkg = this.packages.get(tier)!;
    const duration = pkg.presented.durations.find((d) => d.months === months);
    const base = duration ? duration.price_cents : pkg.priceCents * months;
    return base + (this.creditOptions.get(creditUsd) ?? 0);
  }

  partnerCutCents(tier: string, months: number): number {
    return this.packages.get(tier)!.partnerCutCents * months;
  }

  present(): PackageCatalog {
    return {
      currency: this.currency,
      packages: [...this.packages.values()].map((pkg) => pkg.presented),
      credit_options: [...this.creditOptions].map(([usd, price_cents]) => ({ usd, price_cents })),
    };
  }

  private build(pkg: PackageFile): StubPackage {
    const trial = pkg.tier === TRIAL;
    const durations = trial
      ? [{ months: 1, label: '24 hours', price_cents: pkg.price_cents }]
      : (pkg.durations ?? DURATIONS.map((months): { months: number; label?: string; price_cents?: number } => ({ months }))).map((d) => ({
          months: d.months,
          label: d.label ?? monthsLabel(d.months),
          price_cents: d.price_cents ?? pkg.price_cents * d.months,
        }));
    const sub = pkg.subscription ?? pkg.price_cents > 0;
    const subscriptionCents = trial || sub === false ? null : sub === true ? pkg.price_cents : sub.price_cents;
    const defaultCredit = pkg.default_credit_usd === 0 || this.creditOptions.has(pkg.default_credit_usd) ? pkg.default_credit_usd : 0;
    return {
      tier: pkg.tier,
      priceCents: pkg.price_cents,
      partnerCutCents: pkg.partner_cut_cents,
      subscriptionCents,
      presented: {
        tier: pkg.tier,
        display_name: pkg.display_name,
        description: pkg.description,
        featured: pkg.featured,
        default_credit_usd: trial ? 0 : defaultCredit,
        durations,
        subscription: { available: subscriptionCents !== null, price_cents: subscriptionCents },
      },
    };
  }
}

/** The catalog for a config: STUB_CATALOG_FILE when set, else the spec's tiers. Errors name the variable. */
export function loadCatalog(file: string | null, creditOptions: readonly number[]): StubCatalog {
  if (file === null) return new StubCatalog(DEFAULT_CATALOG, creditOptions);
  const path = resolve(file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`STUB_CATALOG_FILE: cannot read ${path} as JSON (${(error as Error).message})`);
  }
  const parsed = CatalogFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`STUB_CATALOG_FILE: ${path}: ${issue.path.map(String).join('.') || 'file'}: ${issue.message}`);
  }
  const seen = new Set<string>();
  for (const pkg of parsed.data.packages) {
    if (seen.has(pkg.tier)) throw new Error(`STUB_CATALOG_FILE: ${path}: package "${pkg.tier}" is listed twice`);
    seen.add(pkg.tier);
    if (pkg.tier === TRIAL && pkg.subscription) throw new Error(`STUB_CATALOG_FILE: ${path}: a trial cannot be subscribed`);
  }
  return new StubCatalog(parsed.data, creditOptions);
}
