/**
 * Seeds a portal database with N webhook events (default 1,000,000) in one transaction, for the
 * admin page benchmark. Event types and orders cycle; payloads look like the stub's.
 *
 *   node dist/bench/admin-seed.js --db /tmp/bench/admin.db --count 1000000
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EVENT_TYPES } from '../src/contract/index.js';
import { openPortalDb } from '../src/portal/store/db.js';

const { values } = parseArgs({
  options: { db: { type: 'string', default: '/tmp/bench/admin.db' }, count: { type: 'string', default: '1000000' } },
});
const count = Number(values.count);
for (const suffix of ['', '-wal', '-shm']) rmSync(`${values.db}${suffix}`, { force: true });
const db = openPortalDb(values.db);
const insert = db.prepare('INSERT INTO webhook_events (event_id, event_type, api_order_id, external_id, payload, received_at) VALUES (?, ?, ?, ?, ?, ?)');
const started = performance.now();
const base = Date.UTC(2026, 0, 1);
db.transaction(() => {
  for (let i = 0; i < count; i++) {
    const type = EVENT_TYPES[i % EVENT_TYPES.length]!;
    const orderId = 1 + Math.floor(i / EVENT_TYPES.length);
    const ms = base + i * 1000;
    const payload = JSON.stringify({
      id: orderId, tier: 's1', duration_months: 1, credit_usd: 10, amount_cents: 1200, currency: 'usd',
      status: 'completed', checkout_url: null, panel_url: null, expires_at: null, language: 'en',
      external_id: `ref-${orderId}`, created_at: '2026-01-01 00:00:00', paid_at: '2026-01-01 00:01:00',
    });
    insert.run(`evt_${orderId}_${type}_${ms}`, type, orderId, `ref-${orderId}`, payload, ms);
  }
})();
db.pragma('wal_checkpoint(TRUNCATE)');
db.close();
process.stdout.write(`${count} events in ${((performance.now() - started) / 1000).toFixed(1)} s → ${values.db}\n`);
