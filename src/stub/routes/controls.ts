import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { formatApiTime, UpsertDnsRecordRequest } from '../../contract/index.js';
import type { StubContext } from '../context.js';
import { apiTime } from '../domain/present.js';
import { parseBody } from '../http/body.js';

const ClockRequest = z.strictObject({
  advance_seconds: z
    .number({ error: 'must be a number of seconds' })
    .int({ error: 'must be whole seconds' })
    .min(0, { error: 'must not be negative (the stub clock only moves forward)' })
    .max(10 * 365 * 86_400, { error: 'must be at most ten years' }),
});

const FaultCount = z.number({ error: 'must be a count' }).int({ error: 'must be a whole number' }).min(0).max(10_000);
const FaultsRequest = z.strictObject({
  payment_gateway_error: FaultCount.optional(),
  dns_provider_error: FaultCount.optional(),
});

const DELIVERY_LIST_LIMIT = 1000;

/** `/_stub/*`: test controls. They need the API key but no Idempotency-Key, and skip the partner rate limit. */
export function controlsRouter(ctx: StubContext): Router {
  const router = Router();
  const { store, clock } = ctx;

  const clockState = () => ({ now: formatApiTime(clock.now()), offset_seconds: Math.floor(clock.offsetMs / 1000) });

  router.get('/clock', (_req, res) => {
    res.json(clockState());
  });

  router.post('/clock', async (req, res) => {
    const { advance_seconds } = parseBody(ClockRequest, req.body);
    await ctx.advanceClock(advance_seconds);
    res.json(clockState());
  });

  router.get('/deliveries', (_req, res) => {
    res.json({
      items: store.deliveries.latest(DELIVERY_LIST_LIMIT).map((row) => ({
        event_id: row.event_id,
        event_type: row.event_type,
        order_id: row.order_id,
        url: row.url,
        state: row.state,
        attempts: row.attempts,
        last_status: row.last_status,
        next_attempt_at: apiTime(row.next_attempt_at),
      })),
    });
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

  router.post('/faults', (req, res) => {
    ctx.faults.arm(parseBody(FaultsRequest, req.body));
    res.json(ctx.faults.snapshot());
  });

  router.post('/dns/records', (req, res) => {
    const { subdomain, ip } = parseBody(UpsertDnsRecordRequest, req.body);
    res.status(201).json(ctx.dns.seed(subdomain, ip));
  });

  return router;
}
