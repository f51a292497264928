/**
 * What the admin events page's total costs at 1,000,000 events (seed with admin-seed.ts first):
 * the first count on a database (a full count), the same after a restart (kept in kv), and the
 * steady state (only newer events counted). In-process, so the numbers are the query alone.
 *
 *   node dist/bench/admin-seed.js --db /tmp/bench/admin.db && node dist/bench/admin-count.js --db /tmp/bench/admin.db
 */
import { parseArgs } from 'node:util';
import { openPortalDb } from '../src/portal/store/db.js';
import { SqliteAdminReads } from '../src/portal/store/sqlite/admin-reads.js';

const { values } = parseArgs({ options: { db: { type: 'string', default: '/tmp/bench/admin.db' }, runs: { type: 'string', default: '200' } } });
const runs = Number(values.runs);

async function timed(label: string, fn: () => Promise<unknown>): Promise<void> {
  const first = performance.now();
  await fn();
  const firstMs = performance.now() - first;
  const started = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  process.stdout.write(`${label.padEnd(34)} first ${firstMs.toFixed(2).padStart(8)} ms   then ${((performance.now() - started) / runs).toFixed(4)} ms\n`);
}

async function pass(title: string, forget: boolean): Promise<void> {
  const db = openPortalDb(values.db);
  if (forget) db.prepare("DELETE FROM kv WHERE key = 'admin_event_counts'").run();
  const reads = new SqliteAdminReads(db);
  process.stdout.write(`${title}\n`);
  await timed('  total, all events', () => reads.eventTotal({}));
  await timed('  total, type agent.ready', () => reads.eventTotal({ type: 'agent.ready' }));
  await timed('  total, search "70000" (capped)', () => reads.eventTotal({ q: '70000' }));
  await timed('  needs-attention lists', () => reads.attention(Date.now()));
  await timed('  newest page of 50', () => reads.eventsPage({}, {}, 50));
  process.stdout.write(`  = ${(await reads.eventTotal({})).count} events\n`);
  db.close();
}

await pass('first view on this database (nothing kept yet):', true);
await pass('after a restart (counts kept in kv):', false);
