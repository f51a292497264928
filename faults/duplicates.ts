import { join } from 'node:path';
import { sign } from '../src/contract/index.js';
import { peek, runScenario, startPortal, WEBHOOK_SECRET } from './support.js';

/** 1,000 deliveries of 100 event ids (each sent 10 times) from 50 connections at once: one row per id. */
const IDS = 100;
const COPIES = 10;
const CONNECTIONS = 50;

runScenario('duplicates', 60, async (scratch) => {
  const dbPath = join(scratch.dir, 'portal.db');
  const portal = await startPortal(scratch, { dbPath });
  const work = Array.from({ length: IDS * COPIES }, (_, i) => i % IDS).sort(() => Math.random() - 0.5);
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < work.length) {
        const id = work[next++]!;
        const raw = JSON.stringify({ id: 7000 + id, status: 'awaiting_payment', tier: 's1', external_id: `dup-${id}` });
        const res = await fetch(`${portal.url}/webhooks/mintoffice`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-mintbot-signature': sign(WEBHOOK_SECRET, raw), 'x-mintbot-event-id': `evt_dup_${id}`, 'x-mintbot-event-type': 'order.created' },
          body: raw,
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  const rows = peek<{ n: number; ids: number }>(dbPath, 'SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM webhook_events')[0]!;
  const orders = peek<{ n: number }>(dbPath, 'SELECT count(*) AS n FROM orders')[0]!.n;
  await portal.stop();
  const answered = [...statuses].map(([s, n]) => `${n}×${s}`).join(' ');
  return {
    ok: rows.n === IDS && rows.ids === IDS && orders === IDS && statuses.get(200) === IDS * COPIES,
    detail: `${IDS * COPIES} requests over ${CONNECTIONS} connections: ${answered}; ${rows.n} event rows for ${IDS} ids, ${orders} orders`,
  };
});
