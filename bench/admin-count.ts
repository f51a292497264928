/**
 * What the admin events page's reads cost at 1,000,000 events (seed with admin-seed.ts first):
 * the totals (kept in webhook_event_counts by triggers), a capped search count, the needs-attention
 * lists and the newest page. In-process, so the numbers are the query alone.
 *
 *   node dist/bench/admin-seed.js --db /tmp/bench/admin.db && node dist/bench/admin-count.js --db /tmp/bench/admin.db
 */
import { parseArgs } from 'node:util';
import { openPortalDb } from '../src/portal/store/db.js';
import { SQLITE_ADMIN, SqlAdminReads } from '../src/portal/store/admin-reads.js';
import { SqliteSql } from '../src/portal/store/sqlite/sql.js';

const { values } = parseArgs({ options: { db: { type: 'string', default: '/tmp/bench/admin.db' }, runs: { type: 'string', default: '200' } } });
const runs = Number(values.runs);

async function timed(label: string, fn: () => Promise<unknown>): Promise<void> {
  const first = performance.now();
  await fn();
  const firstMs = performance.now() - first;
  const started = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  process.stdout.write(`${label.padEnd(32)} first ${firstMs.toFixed(2).padStart(8)} ms   then ${((performance.now() - started) / runs).toFixed(4)} ms\n`);
}

const db = openPortalDb(values.db);
const reads = new SqlAdminReads(new SqliteSql(db), SQLITE_ADMIN);
await timed('total, all events', () => reads.eventTotal({}));
await timed('total, type agent.ready', () => reads.eventTotal({ type: 'agent.ready' }));
await timed('total, search "70000" (capped)', () => reads.eventTotal({ q: '70000' }));
await timed('needs-attention lists', () => reads.attention(Date.now()));
await timed('newest page of 50', () => reads.eventsPage({}, {}, 50));
process.stdout.write(`= ${(await reads.eventTotal({})).count} events\n`);
db.close();
