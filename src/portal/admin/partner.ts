import type { Revenue, Settings } from '../../contract/index.js';
import type { ApiFailure } from '../mintoffice/client.js';

/** An API failure as one sentence an admin can act on (never a secret). */
export function describeFailure(what: string, error: ApiFailure): string {
  switch (error.kind) {
    case 'not_configured':
      return `${what}: MINTOFFICE_API_KEY is not set, so the portal cannot ask mintbot.`;
    case 'credentials':
      return `${what}: mintbot refused the API key (${error.code}: ${error.message}). Check MINTOFFICE_API_KEY.`;
    case 'rate_limited':
      return `${what}: mintbot is rate limiting us; try again in ${error.retryAfterSeconds} s.`;
    case 'rejected':
      return `${what}: mintbot answered ${error.status} ${error.code}: ${error.message}`;
    case 'unreachable':
      return `${what}: mintbot could not be reached (${error.message}).`;
    case 'invalid_response':
      return `${what}: mintbot answered in an unexpected format (${error.message}).`;
  }
}

export interface ChartBar {
  day: string;
  cents: number;
  x: number;
  y: number;
  width: number;
  height: number;
  label: boolean;
  anchor: 'middle' | 'end';
}

export interface RevenueChart {
  width: number;
  height: number;
  top: number;
  baseline: number;
  bars: ChartBar[];
  maxCents: number;
  currency: string;
}

const DAYS = 30;

/**
 * Partner revenue (partner cut) per day for the 30 days ending with the latest ledger event,
 * laid out for an inline SVG. Geometry only: the template prints it, escaped.
 */
export function revenueChart(revenue: Revenue): RevenueChart | null {
  const perDay = new Map<string, number>();
  for (const event of revenue.events) {
    const day = event.created_at.slice(0, 10);
    // Shaped like a date is not enough: "2026-13-40" would make the axis an Invalid Date (a 500).
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) continue;
    perDay.set(day, (perDay.get(day) ?? 0) + event.partner_cut_cents);
  }
  if (perDay.size === 0) return null;
  const lastDay = [...perDay.keys()].sort().at(-1)!;
  const end = Date.parse(`${lastDay}T00:00:00Z`);
  const days: string[] = [];
  for (let i = DAYS - 1; i >= 0; i--) days.push(new Date(end - i * 86_400_000).toISOString().slice(0, 10));
  const width = 600;
  const height = 180;
  const top = 22;
  const baseline = 150;
  const slot = width / DAYS;
  const maxCents = Math.max(1, ...days.map((d) => perDay.get(d) ?? 0));
  const bars = days.map((day, i) => {
    const cents = perDay.get(day) ?? 0;
    const h = Math.round(((baseline - top) * Math.max(0, cents)) / maxCents);
    return { day, cents, x: Math.round(i * slot + 2), y: baseline - h, width: Math.max(2, Math.round(slot - 4)), height: h, label: (DAYS - 1 - i) % 7 === 0, anchor: i === DAYS - 1 ? ('end' as const) : ('middle' as const) };
  });
  return { width, height, top, baseline, bars, maxCents, currency: revenue.currency };
}

export interface SectionView {
  name: string;
  status: string;
  pill: 'ok' | 'warn' | 'bad';
  mode: string | null;
  issue: string | null;
  dnsBlocker: string | null;
}

export function sections(settings: Settings): SectionView[] {
  const s = settings.section_status;
  return (['domain', 'bot', 'template', 'api'] as const).map((name) => ({
    name,
    status: s[name].status,
    pill: s[name].status === 'ready' ? 'ok' : s[name].issue || s[name].dns_blocker ? 'bad' : 'warn',
    mode: s[name].mode,
    issue: s[name].issue,
    dnsBlocker: s[name].dns_blocker,
  }));
}
