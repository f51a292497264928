import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describeStatuses, load } from './load.js';
import { signedEvents } from './signed-events.js';
import { ADMIN_PASSWORD, freePort, peakRssMb, peek, runScenario, startPortal, startStub, WEBHOOK_SECRET } from './support.js';

/**
 * A minute of mixed load (a webhook flood on 24 connections, shop pages and the admin on 4):
 * the WAL file never grows past WAL_LIMIT_MB (64), sampled every 100 ms.
 */
const SECONDS = Number(process.env.FAULTS_WAL_SECONDS ?? 60);
const LIMIT_MB = 64;

runScenario('wal', SECONDS + 60, async (scratch) => {
  const port = await freePort();
  const stub = await startStub(scratch, { dbPath: join(scratch.dir, 'stub.db'), webhookUrl: `http://127.0.0.1:${port}/webhooks/mintoffice` });
  const dbPath = join(scratch.dir, 'portal.db');
  const portal = await startPortal(scratch, { port, dbPath, apiUrl: stub.url });
  const events = signedEvents(WEBHOOK_SECRET, 5_000);
  let maxWal = 0;
  const sampler = setInterval(() => {
    maxWal = Math.max(maxWal, statSync(`${dbPath}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  }, 100);
  const auth = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
  const pages = ['/', '/buy?plan=s1', '/admin', '/thank-you?ref=AAAAAAAAAAAAAAAAAAAAAAAA', '/admin/orders'];
  const run = String(Date.now());
  const [hooks, reads] = await Promise.all([
    load(portal.url, 24, SECONDS * 1000, (i) => {
      const e = events[i % events.length]!;
      return { method: 'POST', path: '/webhooks/mintoffice', body: e.raw, headers: { 'content-type': 'application/json', 'x-mintbot-signature': e.signature, 'x-mintbot-event-id': `evt_wal_${run}_${i}`, 'x-mintbot-event-type': e.type } };
    }),
    load(portal.url, 4, SECONDS * 1000, (i) => {
      const path = pages[i % pages.length]!;
      const headers: Record<string, string> = path.startsWith('/admin') ? { authorization: auth } : {};
      return { method: 'GET', path, headers };
    }),
  ]);
  clearInterval(sampler);
  const rss = peakRssMb(portal.child.pid);
  const stored = peek<{ n: number }>(dbPath, 'SELECT count(*) AS n FROM webhook_events')[0]!.n;
  const dbMb = statSync(dbPath).size / 1024 / 1024;
  await portal.stop();
  await stub.stop();
  const failed = [...hooks.statuses, ...reads.statuses].filter(([s]) => s === 0 || (s >= 500 && s !== 503)).reduce((n, [, c]) => n + c, 0);
  const maxMb = maxWal / 1024 / 1024;
  return {
    ok: maxMb <= LIMIT_MB && failed === 0 && stored > 0,
    detail: `${SECONDS} s: webhooks ${(hooks.requests / hooks.seconds).toFixed(0)}/s (${describeStatuses(hooks.statuses)}), pages ${(reads.requests / reads.seconds).toFixed(0)}/s (${describeStatuses(reads.statuses)}); ${stored} events stored, database ${dbMb.toFixed(0)} MB; WAL max ${maxMb.toFixed(1)} MB (limit ${LIMIT_MB}); portal peak RSS ${rss.toFixed(0)} MB`,
  };
});
