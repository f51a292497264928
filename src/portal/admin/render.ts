import type { Request, Response } from 'express';
import { formatApiTime } from '../../contract/index.js';
import type { PortalDeps } from '../deps.js';
import { httpUrlOrNull } from '../../lib/http-url.js';
import { STATUS_TONE, type StatusTone } from '../orders/status.js';
import { ago, eventName, money, payloadFacts, planLabel, providerName, reasonName, statusName, timeLeft, words } from './labels.js';

export type AdminTab = 'events' | 'attention' | 'rejected' | 'orders' | 'partner' | 'dns' | 'inquiries';

export const TABS: ReadonlyArray<{ id: AdminTab; label: string; href: string }> = [
  { id: 'events', label: 'Events', href: '/admin' },
  { id: 'attention', label: 'Needs attention', href: '/admin/attention' },
  { id: 'rejected', label: 'Rejected', href: '/admin/rejected' },
  { id: 'orders', label: 'Orders', href: '/admin/orders' },
  { id: 'partner', label: 'Partner', href: '/admin/partner' },
  { id: 'dns', label: 'DNS', href: '/admin/dns' },
  { id: 'inquiries', label: 'Inquiries', href: '/admin/inquiries' },
];

/** Helpers every admin template gets as `it.fmt`. All return plain text: Eta escapes it. */
export const fmt = {
  time(ms: number | null | undefined): string {
    return typeof ms === 'number' && Number.isFinite(ms) ? `${formatApiTime(ms)} UTC` : '—';
  },
  /** For <time datetime>: ISO 8601. */
  iso(ms: number): string {
    return new Date(ms).toISOString();
  },
  ago,
  timeLeft,
  money,
  eventName,
  statusName,
  reasonName,
  providerName,
  words,
  planLabel,
  payloadFacts,
  /** "1,234" */
  count(n: number): string {
    return n.toLocaleString('en-US');
  },
  /** The payload pretty-printed; a body that is not JSON (it always is once stored) as it came. */
  pretty(payload: string): string {
    try {
      return JSON.stringify(JSON.parse(payload), null, 2);
    } catch {
      return payload;
    }
  },
  /** A CSS class suffix for an event type's badge: known types get their colour, others a neutral one. */
  badge(type: string | null | undefined): string {
    switch (type) {
      case 'order.created':
        return 'created';
      case 'order.paid':
        return 'paid';
      case 'order.cancelled':
        return 'cancelled';
      case 'agent.provisioning_started':
        return 'provisioning';
      case 'agent.ready':
        return 'ready';
      case 'agent.failed':
        return 'failed';
      case 'agent.expired':
        return 'expired';
      default:
        return 'other';
    }
  },
  /** A pill class for a local order status. */
  statusPill(status: string): string {
    const tone = (STATUS_TONE as Record<string, StatusTone | undefined>)[status];
    return tone === undefined || tone === 'info' ? '' : tone;
  },
  /** A URL for a query string built from the given parameters (empty ones left out). */
  href(path: string, params: Record<string, string | number | undefined | null>): string {
    const entries = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== null && e[1] !== '');
    return entries.length ? `${path}?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : path;
  },
  /** Only http(s) URLs become links. */
  safeHttpUrl: httpUrlOrNull,
};

/** Renders an admin page inside views/admin/layout.eta, never cached, never indexed. */
export function renderAdmin(
  deps: Pick<PortalDeps, 'config' | 'views'>,
  req: Request,
  res: Response,
  view: string,
  data: Record<string, unknown>,
  status = 200,
): void {
  const html = deps.views.render(`admin/${view}`, {
    brand: deps.config.brand,
    testMode: deps.config.testMode,
    tabs: TABS,
    fmt,
    requestId: req.id,
    ...data,
  });
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  res.status(status).type('html').send(html);
}

/** A one-message admin page (setup needed, too many attempts, bad request, refused form). */
export function renderAdminMessage(
  deps: Pick<PortalDeps, 'config' | 'views'>,
  req: Request,
  res: Response,
  status: number,
  data: { title: string; message: string; tab?: AdminTab; signedIn?: boolean },
): void {
  renderAdmin(deps, req, res, 'message', { tab: data.tab ?? null, signedIn: data.signedIn ?? false, status, ...data }, status);
}
