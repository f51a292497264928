/** Agent lifetimes. Prices live in the catalog (catalog.ts). */
const TRIAL_LIFETIME_MS = 24 * 3600 * 1000;

/** When an agent bought (or renewed) at `from` expires: calendar months later, a trial 24 h later. */
export function agentLifetimeEnd(from: number, tier: string, months: number): number {
  if (tier === 'trial') return from + TRIAL_LIFETIME_MS;
  const end = new Date(from);
  const day = end.getUTCDate();
  end.setUTCMonth(end.getUTCMonth() + months);
  // 31 January + 1 month is the last day of February, not 3 March.
  if (end.getUTCDate() !== day) end.setUTCDate(0);
  return end.getTime();
}
