import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sign } from '../src/contract/index.js';
import { SQLITE_DRIVER_PATH } from '../src/lib/sqlite-driver.js';
import { ADMIN_PASSWORD, peek, ROOT, runScenario, startPortal, WEBHOOK_SECRET } from './support.js';

/**
 * Another process (a backup or migration tool) holds the portal database's write lock for 12 s.
 * Pages that only read keep answering promptly, /healthz included (it reads, so it stays ok); webhooks wait a bounded time and answer 503 with
 * Retry-After; once the lock is gone, the same events are stored, once.
 */
const HOLD_SECONDS = 12;
const PAGE_BAR_MS = 1_000;
const WEBHOOK_BAR_MS = 5_000;

runScenario('held-lock', 60, async (scratch) => {
  const dbPath = join(scratch.dir, 'portal.db');
  const portal = await startPortal(scratch, { dbPath });
  const holder = spawn(
    process.execPath,
    ['-e', `const db = new (require(${JSON.stringify(SQLITE_DRIVER_PATH)}))(${JSON.stringify(dbPath)}); db.exec('BEGIN IMMEDIATE'); console.log('locked'); setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, ${HOLD_SECONDS * 1000});`],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  scratch.track(holder);
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`lock holder exited (${code})`)));
  });
  const released = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
  let holding = true;
  void released.then(() => (holding = false));

  const auth = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
  const pages = ['/', '/healthz', '/buy?plan=s1', '/admin', '/admin/orders', '/thank-you?ref=AAAAAAAAAAAAAAAAAAAAAAAA', '/partners'];
  const pageTimes: number[] = [];
  const pageStatuses = new Set<number>();
  const webhooks: Array<{ id: string; status: number; ms: number; retryAfter: string | null }> = [];
  const send = async (id: string) => {
    const raw = JSON.stringify({ id: 9001, status: 'completed', tier: 's1', external_id: 'held-lock' });
    const t = performance.now();
    const res = await fetch(`${portal.url}/webhooks/mintoffice`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mintbot-signature': sign(WEBHOOK_SECRET, raw), 'x-mintbot-event-id': id, 'x-mintbot-event-type': 'order.paid' },
      body: raw,
    });
    await res.arrayBuffer();
    return { id, status: res.status, ms: performance.now() - t, retryAfter: res.headers.get('retry-after') };
  };
  const senders = (async () => {
    for (let i = 0; holding && i < HOLD_SECONDS - 4; i++) {
      webhooks.push(await send(`evt_lock_${i}`));
    }
  })();
  for (let i = 0; holding; i++) {
    const path = pages[i % pages.length]!;
    const t = performance.now();
    const res = await fetch(`${portal.url}${path}`, { headers: path.startsWith('/admin') ? { authorization: auth } : {} });
    await res.arrayBuffer();
    if (holding) {
      pageTimes.push(performance.now() - t);
      pageStatuses.add(res.status);
    }
  }
  await senders;
  await released;
  const after = await Promise.all(webhooks.map((w) => send(w.id)));
  const afterAgain = await Promise.all(webhooks.map((w) => send(w.id)));
  const stored = peek<{ n: number }>(dbPath, "SELECT count(*) AS n FROM webhook_events WHERE event_id LIKE 'evt_lock_%'")[0]!.n;
  await portal.stop();

  const maxPage = Math.max(...pageTimes);
  const busy = webhooks.filter((w) => w.status === 503 && Number(w.retryAfter) > 0 && w.ms < WEBHOOK_BAR_MS).length;
  // One sent in the last seconds of the lock may be stored as soon as it is released: also right.
  const storedLate = webhooks.filter((w) => w.status === 200 && w.ms < WEBHOOK_BAR_MS).length;
  const ok =
    pageTimes.length > 20 && maxPage < PAGE_BAR_MS && [...pageStatuses].every((s) => s === 200) &&
    busy > 0 && busy + storedLate === webhooks.length && after.every((w) => w.status === 200) && afterAgain.every((w) => w.status === 200) && stored === webhooks.length;
  return {
    ok,
    detail: `lock held ${HOLD_SECONDS} s: ${pageTimes.length} page views (statuses ${[...pageStatuses].join(',')}), slowest ${maxPage.toFixed(0)} ms (bar ${PAGE_BAR_MS}); webhooks: ${busy} answered 503 + Retry-After, ${storedLate} stored at release, all in ≤ ${Math.max(...webhooks.map((w) => w.ms)).toFixed(0)} ms; resent after: ${after.filter((w) => w.status === 200).length} stored, ${stored} rows`,
  };
});
