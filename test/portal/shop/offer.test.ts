import { describe, expect, it } from 'vitest';
import { PackageCatalog, Settings } from '../../../src/contract/index.js';
import { buildOffer } from '../../../src/portal/shop/offer.js';
import type { Plans } from '../../../src/portal/shop/plans.js';
import { apiSettings } from './fake-api.js';

const plans = {
  featured: 's2',
  plans: [
    { tier: 'trial', name: 'Trial', blurb: 'A day.', features: [] },
    { tier: 's1', name: 'Starter', blurb: 'One agent.', features: ['1 vCPU'] },
    { tier: 's2', name: 'Team', blurb: 'More.', features: [] },
  ],
  languages: [{ code: 'en', label: 'English' }],
} as unknown as Plans;

const catalog = PackageCatalog.parse({
  currency: 'usd',
  packages: [
    { tier: 'trial', display_name: 'Trial', description: 'One day.', featured: false, default_credit_usd: 0, durations: [{ months: 1, label: '24 hours', price_cents: 0 }], subscription: { available: false, price_cents: null } },
    { tier: 's1', display_name: 'S1', description: '1 vCPU.', featured: true, default_credit_usd: 10, durations: [{ months: 1, label: '1 month', price_cents: 1500 }, { months: 12, label: '12 months', price_cents: 15000 }], subscription: { available: true, price_cents: 1400 } },
    { tier: 'pro', display_name: 'Pro', description: 'Faster.', featured: false, default_credit_usd: 0, durations: [{ months: 1, label: '1 month', price_cents: 3900 }], subscription: { available: true, price_cents: 3900 } },
  ],
  credit_options: [{ usd: 20, price_cents: 1800 }, { usd: 10, price_cents: 900 }],
});

describe('the shop offer', () => {
  it('when the API has a catalog, then the shop sells exactly its packages at its prices, with plans.json copy where it has some', () => {
    const offer = buildOffer(plans, Settings.parse(apiSettings()), catalog);
    expect(offer.source).toBe('catalog');
    expect(offer.packages.map((p) => [p.tier, p.copy?.name ?? null, p.apiName])).toEqual([
      ['trial', 'Trial', 'Trial'],
      ['s1', 'Starter', 'S1'],
      ['pro', null, 'Pro'],
    ]);
    expect(offer.packages[1]).toMatchObject({ monthlyCents: 1500, subscriptionCents: 1400, durations: [{ months: 1, totalCents: 1500 }, { months: 12, totalCents: 15000 }] });
    expect(offer.packages[0]!.subscriptionCents).toBeNull();
    expect(offer.creditUsd).toEqual([10, 20]);
    expect(offer.creditPriceCents.get(20)).toBe(1800);
  });

  it('when plans.json features a plan the catalog sells, then that one is featured; otherwise the catalog decides', () => {
    expect(buildOffer({ ...plans, featured: 's1' }, undefined, catalog).defaultTier).toBe('s1');
    const offer = buildOffer(plans, undefined, catalog);
    expect(offer.packages.filter((p) => p.featured).map((p) => p.tier)).toEqual(['s1']);
  });

  it('when there is no catalog, then plans.json plans are sold at the settings prices, never as subscriptions', () => {
    const offer = buildOffer(plans, Settings.parse(apiSettings({ credit: [50, 10] })), undefined);
    expect(offer.source).toBe('settings');
    expect(offer.packages.map((p) => [p.tier, p.monthlyCents, p.subscriptionCents])).toEqual([
      ['trial', 0, null],
      ['s1', 1200, null],
      ['s2', 2400, null],
    ]);
    expect(offer.packages[1]!.durations.map((d) => d.totalCents)).toEqual([1200, 3600, 14400]);
    expect(offer.creditUsd).toEqual([10, 50]);
    expect(offer.defaultTier).toBe('s2');
  });

  it('when the API has never answered, then prices are unknown except the free trial', () => {
    const offer = buildOffer(plans, undefined, undefined);
    expect(offer.source).toBe('none');
    expect(offer.packages.map((p) => p.monthlyCents)).toEqual([0, null, null]);
  });
});

describe('plans.json copy for packages only a catalog sells', () => {
  it('when there is no catalog, then a plans.json plan the settings do not price is not sold', () => {
    const withPro = { ...plans, plans: [...plans.plans, { tier: 'pro', name: 'Pro', blurb: 'Faster.', features: [] }] } as unknown as Plans;
    expect(buildOffer(withPro, Settings.parse(apiSettings()), undefined).packages.map((p) => p.tier)).toEqual(['trial', 's1', 's2']);
    expect(buildOffer(withPro, undefined, catalog).packages.find((p) => p.tier === 'pro')!.copy?.name).toBe('Pro');
  });
});
