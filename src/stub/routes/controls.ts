import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { ClockRequest, FaultsRequest, formatApiTime, UpsertDnsRecordRequest } from '../../contract/index.js';
import type { StubContext } from '../context.js';
import { parseBody } from '../http/body.js';

/** `/_stub/*`: test controls. They need the API key but no Idempotency-Key, and skip the partner rate limit. */
export function controlsRouter(ctx: StubContext): Router {
  const router = Router();
  const { store, clock } = ctx;

  const clockState = () => ({ now: formatApiTime(clock.now()), offset_seconds: Math.floor(clock.offsetMs / 1000) });

  router.get('/clock', (_req, res) => {
    res.json(clockState());
  });

  // Lifecycle steps have run when this answers; due deliveries are on their way, not awaited.
  router.post('/clock', (req, res) => {
    const { advance_seconds } = parseBody(ClockRequest, req.body);
    ctx.advanceClock(advance_seconds);
    res.json(clockState());
  });

  router.post('/rotate-key', (_req, res) => {
    const apiKey = ctx.keys.rotate(clock.now());
    res.json({ api_key: apiKey, key_prefix: ctx.keys.prefix() });
  });

  router.post('/payouts', (_req, res) => {
    const now = clock.now();
    const payoutId = `po_test_${randomBytes(8).toString('hex')}`;
    const result = store.transaction(() => {
      const amount = store.revenue.totals().unpaid_cents;
      return { events_paid: store.revenue.payOut(payoutId, now), amount_cents: amount };
    });
    res.json({ payout_id: result.events_paid > 0 ? payoutId : null, payout_at: formatApiTime(now), ...result });
  });

  router.get('/faults', (_req, res) => {
    res.json(ctx.faults.snapshot());
  });

  router.post('/faults', (req, res) => {
    ctx.faults.arm(parseBody(FaultsRequest, req.body));
    res.json(ctx.faults.snapshot());
  });

  router.post('/dns/records', (req, res) => {
    const { subdomain, ip } = parseBody(UpsertDnsRecordRequest, req.body);
    res.status(201).json(ctx.dns.seed(subdomain, ip));
  });

  router.post('/reset', (_req, res) => {
    ctx.reset();
    res.json({ reset: true });
  });

  router.get('/requests', (_req, res) => {
    res.json({ items: ctx.requests.latest() });
  });

  return router;
}
