import type { Tier } from '../../contract/index.js';

/** The fake partner's price list (spec "Settings" example). */
export const TIER_PRICING: Record<Tier, { price_cents: number; partner_cut_cents: number }> = {
  trial: { price_cents: 0, partner_cut_cents: 0 },
  s1: { price_cents: 1200, partner_cut_cents: 200 },
  s2: { price_cents: 2400, partner_cut_cents: 400 },
  s4: { price_cents: 4800, partner_cut_cents: 800 },
};

const TRIAL_LIFETIME_MS = 24 * 3600 * 1000;

export function amountCents(tier: Tier, months: number): number {
  return TIER_PRICING[tier].price_cents * months;
}

export function partnerCutCents(tier: Tier, months: number): number {
  return TIER_PRICING[tier].partner_cut_cents * months;
}

/** When an agent bought (or renewed) at `from` expires: calendar months later, a trial 24 h later. */
export function agentLifetimeEnd(from: number, tier: Tier, months: number): number {
  if (tier === 'trial') return from + TRIAL_LIFETIME_MS;
  const end = new Date(from);
  const day = end.getUTCDate();
  end.setUTCMonth(end.getUTCMonth() + months);
  // 31 January + 1 month is the last day of February, not 3 March.
  if (end.getUTCDate() !== day) end.setUTCDate(0);
  return end.getTime();
}
