import { formatApiTime } from '../../contract/index.js';

/**
 * Words for the codes the admin console shows (event types, order statuses, refusal reasons,
 * DNS providers, ledger kinds), plus relative times and money. An unknown code is shown as it
 * came: a sender may invent types, and hiding them would hide a problem.
 */
const EVENT_NAMES: Record<string, string> = {
  'order.created': 'Order created',
  'order.paid': 'Paid',
  'order.cancelled': 'Cancelled',
  'agent.provisioning_started': 'Setting up agent',
  'agent.ready': 'Agent ready',
  'agent.failed': 'Set-up failed',
  'agent.expired': 'Agent expired',
};

const STATUS_NAMES: Record<string, string> = {
  creating: 'Creating',
  create_failed: 'Not created',
  awaiting_payment: 'Awaiting payment',
  paid: 'Paid',
  provisioning: 'Setting up',
  ready: 'Ready',
  failed: 'Set-up failed',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

const REASON_NAMES: Record<string, string> = {
  no_secret: 'No webhook secret set here',
  signature_missing: 'Signature missing',
  signature_malformed: 'Signature malformed',
  signature_stale: 'Signature too old',
  signature_mismatch: 'Signed with another secret',
  event_id_missing: 'Event id missing',
  event_id_invalid: 'Event id not valid',
  event_type_missing: 'Event type missing',
  event_type_invalid: 'Event type not valid',
  body_too_large: 'Body over 256 KiB',
  body_not_json: 'Body is not JSON',
  body_not_object: 'Body is not a JSON object',
};

const PROVIDER_NAMES: Record<string, string> = { zone_ee: 'zone.ee', 'zone.ee': 'zone.ee', cloudflare: 'Cloudflare', none: 'No DNS provider' };

/** "agent.ready" → "Agent ready"; unknown types as they came. */
export function eventName(type: string | null | undefined): string {
  if (!type) return '—';
  return EVENT_NAMES[type] ?? type;
}

export function statusName(status: string): string {
  return STATUS_NAMES[status] ?? status;
}

export function reasonName(reason: string): string {
  return REASON_NAMES[reason] ?? reason.replaceAll('_', ' ');
}

export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** A code without its own label (a ledger kind, a readiness status) as words: "order_paid" → "Order paid". */
export function words(code: string): string {
  const text = code.replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Cents in a currency, as people write it: "$36.00", "€12.00", "12.00 XYZ" for an unknown code. */
export function money(cents: number | null | undefined, currency: string | null | undefined = 'usd'): string {
  if (typeof cents !== 'number' || !Number.isFinite(cents)) return '—';
  const code = (currency ?? 'usd').toUpperCase();
  let format = moneyFormats.get(code);
  if (!format) {
    try {
      format = new Intl.NumberFormat('en-US', { style: 'currency', currency: code });
    } catch {
      return `${(cents / 100).toFixed(2)} ${code}`;
    }
    moneyFormats.set(code, format);
  }
  return format.format(cents / 100);
}

/** "Starter · 3 months · $20 credit", with the partner's plan name when the tier has one. */
export function planLabel(planNames: ReadonlyMap<string, string>, tier: string, months: number, creditUsd = 0): string {
  const name = planNames.get(tier) ?? tier;
  if (tier === 'trial') return `${name} · 24 hours`;
  const parts = [name, `${months} month${months === 1 ? '' : 's'}`];
  if (creditUsd > 0) parts.push(`$${creditUsd} credit`);
  return parts.join(' · ');
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 min ago", "2 hours ago", "yesterday"; past 30 days the UTC date. */
export function ago(ms: number, now: number): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now';
  if (abs >= 30 * 86_400_000) return formatApiTime(ms).slice(0, 10);
  for (const [unit, size] of UNITS) {
    if (abs >= size || unit === 'minute') {
      const n = Math.round(diff / size);
      return unit === 'minute' ? (n < 0 ? `${-n} min ago` : `in ${n} min`) : relative.format(n, unit);
    }
  }
  return 'just now';
}

/** The time left until a deadline, as a short phrase: "18 h left", "40 min left", "overdue by 3 h". */
export function timeLeft(deadline: number, now: number): { text: string; overdue: boolean } {
  const diff = deadline - now;
  const abs = Math.abs(diff);
  const span = abs >= 3_600_000 ? `${Math.floor(abs / 3_600_000)} h${abs % 3_600_000 >= 60_000 && abs < 10 * 3_600_000 ? ` ${Math.floor((abs % 3_600_000) / 60_000)} min` : ''}` : `${Math.max(1, Math.floor(abs / 60_000))} min`;
  return diff >= 0 ? { text: `${span} left`, overdue: false } : { text: `overdue by ${span}`, overdue: true };
}

/** Plan and amount from an event's payload (the order, as mintbot sends it), when it has them. */
export function payloadFacts(payload: string, planNames: ReadonlyMap<string, string>): { plan: string | null; amount: string | null } {
  let order: unknown;
  try {
    order = JSON.parse(payload);
  } catch {
    return { plan: null, amount: null };
  }
  if (typeof order !== 'object' || order === null) return { plan: null, amount: null };
  const o = order as Record<string, unknown>;
  const plan = typeof o['tier'] === 'string' && typeof o['duration_months'] === 'number' ? planLabel(planNames, o['tier'], o['duration_months']) : null;
  const amount = typeof o['amount_cents'] === 'number' ? money(o['amount_cents'], typeof o['currency'] === 'string' ? o['currency'] : 'usd') : null;
  return { plan, amount };
}
