import express, { Router, type Request, type Response } from 'express';
import { EVENT_TYPES, EventType, formatApiTime } from '../../contract/index.js';
import { clientIp } from '../../lib/client-ip.js';
import type { StubContext } from '../context.js';
import { ApiError, validationError } from '../domain/api-error.js';
import { fireEvent, resendDelivery } from '../domain/delivery-actions.js';
import { deliveryDetail } from '../domain/delivery-view.js';
import { FAULT_KINDS, type FaultKind } from '../domain/faults.js';
import { presentOrder } from '../domain/present.js';
import { DashboardSessions } from '../http/dashboard-session.js';
import { sendPage } from '../http/pages.js';

const formBody = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
const ORDERS_SHOWN = 50;
const DELIVERIES_SHOWN = 100;
const REQUESTS_SHOWN = 20;
const MAX_ADVANCE_SECONDS = 10 * 365 * 86_400;

/** What a finished action says on the page it redirects to (a fixed text per key: nothing reflected). */
const NOTICES = {
  clock: 'The clock moved; what fell due has run and due deliveries are on their way.',
  faults: 'Faults armed.',
  resent: 'Delivery queued again with the same event id.',
  event: 'Event queued.',
  reset: 'The stub starts clean: no orders, deliveries, ledger, DNS records or faults.',
} as const;
type NoticeKey = keyof typeof NOTICES;

const field = (body: unknown, name: string): string => {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value.trim() : '';
};

function wholeNumber(text: string, name: string, max: number): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > max) throw validationError(`${name}: must be a whole number from 0 to ${max}`);
  return Number(text);
}

/**
 * `/_stub`: the dashboard. HTML that works without JavaScript, signed in with the API key.
 * Shows orders, every delivery with its payload, headers and attempts, the latest API requests,
 * and forms to resend a delivery, advance the clock, arm faults, fire an event and reset.
 */
export function dashboardRouter(ctx: StubContext): Router {
  const router = Router();
  const sessions = new DashboardSessions(ctx.keys, ctx.publicUrl.startsWith('https:'));

  const page = (res: Response, status: number, template: 'dashboard' | 'sign-in', data: Record<string, unknown>) =>
    sendPage(ctx.views, res, status, template, { title: 'Stub dashboard', wide: template === 'dashboard', ...data });

  function dashboard(res: Response, status: number, csrf: string, notice: string | null, error: string | null): void {
    const { store, clock } = ctx;
    const deliveries = store.deliveries.latest(DELIVERIES_SHOWN).map((row) => deliveryDetail(row, store.deliveries.attempts(row.id)));
    page(res, status, 'dashboard', {
      csrf,
      notice,
      error,
      clock: { now: formatApiTime(clock.now()), offsetSeconds: Math.floor(clock.offsetMs / 1000) },
      faults: ctx.faults.snapshot(),
      faultKinds: FAULT_KINDS,
      eventTypes: EVENT_TYPES,
      orders: store.orders.list(undefined, Number.MAX_SAFE_INTEGER, ORDERS_SHOWN).map((row) => presentOrder(row, ctx.publicUrl)),
      deliveries: deliveries.map((delivery) => ({ ...delivery, payloadText: JSON.stringify(delivery.payload, null, 2) })),
      requests: ctx.requests.latest().slice(0, REQUESTS_SHOWN),
    });
  }

  const signInPage = (res: Response, status: number, error: string | null) => page(res, status, 'sign-in', { error });

  router.get('/', (req, res) => {
    const session = sessions.current(req);
    if (!session) return signInPage(res, 200, null);
    const done = typeof req.query.done === 'string' && req.query.done in NOTICES ? NOTICES[req.query.done as NoticeKey] : null;
    dashboard(res, 200, session.csrf, done, null);
  });

  router.post('/sign-in', formBody, (req, res) => {
    const key = field(req.body, 'api_key');
    if (key !== '' && ctx.keys.matches(key)) {
      sessions.signIn(res, key);
      return res.redirect(303, '/_stub');
    }
    // Failures count against the caller's IP, like a failed bearer token.
    const decision = ctx.limiters.ip.hit(clientIp(req) ?? 'unknown');
    if (!decision.allowed) {
      res.set('Retry-After', String(decision.retryAfterSeconds));
      return signInPage(res, 429, `Too many failed attempts; try again in ${decision.retryAfterSeconds} s.`);
    }
    signInPage(res, 401, 'That is not the current API key.');
  });

  /** A dashboard form: checks the session and CSRF token, runs the action, redirects with a notice. */
  function action(path: string, run: (req: Request) => NoticeKey | 'signed-out'): void {
    router.post(path, formBody, (req, res) => {
      const session = sessions.verified(req, field(req.body, '_csrf'));
      if (!session) return signInPage(res, 403, 'Your dashboard session ended or the form was stale: sign in again.');
      try {
        const outcome = run(req);
        if (outcome === 'signed-out') {
          sessions.signOut(req, res);
          return res.redirect(303, '/_stub');
        }
        res.redirect(303, `/_stub?done=${outcome}`);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        dashboard(res, error.status, session.csrf, null, error.message);
      }
    });
  }

  action('/sign-out', () => 'signed-out');
  action('/ui/clock', (req) => {
    ctx.advanceClock(wholeNumber(field(req.body, 'advance_seconds'), 'advance_seconds', MAX_ADVANCE_SECONDS));
    return 'clock';
  });
  action('/ui/faults', (req) => {
    const counts: Partial<Record<FaultKind, number>> = {};
    for (const kind of FAULT_KINDS) counts[kind] = wholeNumber(field(req.body, kind) || '0', kind, 10_000);
    ctx.faults.arm(counts);
    return 'faults';
  });
  action('/ui/resend', (req) => {
    resendDelivery(ctx, field(req.body, 'event_id'));
    return 'resent';
  });
  action('/ui/events', (req) => {
    const type = EventType.safeParse(field(req.body, 'type'));
    if (!type.success) throw validationError(`type: must be one of ${EVENT_TYPES.join(', ')}`);
    fireEvent(ctx, wholeNumber(field(req.body, 'order_id'), 'order_id', Number.MAX_SAFE_INTEGER), type.data);
    return 'event';
  });
  action('/ui/reset', () => {
    ctx.reset();
    return 'reset';
  });

  return router;
}
