/**
 * Writes N freshly signed webhook bodies (one per line: "<signature>\t<orderId>\t<type>\t<body>")
 * for bench/webhook.lua. Signatures use the current time, so run it right before wrk (the
 * receiver's tolerance is 300 s). The Lua script makes every event id unique.
 *
 *   node dist/bench/webhook-sign.js --count 5000 --out /tmp/bench/signed.tsv
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EVENT_TYPES, sign } from '../src/contract/index.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '5000' },
    out: { type: 'string', default: '/tmp/bench/signed.tsv' },
    secret: { type: 'string', default: 'whsec_bench_0123456789abcdef' },
  },
});
const count = Number(values.count);
const lines: string[] = [];
const t = Math.floor(Date.now() / 1000);
for (let i = 0; i < count; i++) {
  const orderId = 100_000 + (i % Math.max(1, Math.floor(count / EVENT_TYPES.length)));
  const type = EVENT_TYPES[i % EVENT_TYPES.length]!;
  const body = JSON.stringify({
    id: orderId,
    tier: 's1',
    duration_months: 1,
    credit_usd: 10,
    amount_cents: 1200,
    currency: 'usd',
    status: type === 'agent.ready' ? 'deployed' : type === 'order.created' ? 'awaiting_payment' : 'completed',
    checkout_url: `https://checkout.example.com/c/pay/cs_${orderId}`,
    panel_url: type === 'agent.ready' ? `https://agent${orderId}.example.com` : null,
    expires_at: type === 'agent.ready' ? '2026-06-16 10:02:14' : null,
    language: 'en',
    external_id: `bench-${orderId}`,
    created_at: '2026-05-16 09:58:00',
    paid_at: type === 'order.created' ? null : '2026-05-16 10:02:14',
  });
  lines.push(`${sign(values.secret, body, t)}\t${orderId}\t${type}\t${body}`);
}
writeFileSync(values.out, `${lines.join('\n')}\n`);
process.stdout.write(`${count} bodies signed at t=${t} → ${values.out}\n`);
