import { statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { sign } from '../../../src/contract/index.js';
import { startTestPortal } from '../../support/portal.js';
import { orderPayload, SECRET } from '../webhooks/send.js';

type Running = Awaited<ReturnType<typeof startTestPortal>>;
let portal: Running | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

const MB = 1024 * 1024;

function walSize(path: string): number {
  return statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
}

describe('the WAL stays bounded while webhooks keep arriving', () => {
  it('when 10 MB of events arrive without a pause, then the WAL file never grows past its limit (plus one batch) and every event is stored', async () => {
    // WAL_LIMIT_MB=1: the production 64 MB, scaled down so that a test can cross it many times.
    portal = await startTestPortal({ WAL_LIMIT_MB: '1' });
    const { url } = portal;
    const path = portal.deps.config.dbPath;
    const filler = 'x'.repeat(16_000);
    let max = 0;
    let retried = 0;
    const post = async (n: number): Promise<void> => {
      const raw = JSON.stringify(orderPayload(n, { filler }));
      const headers = { 'content-type': 'application/json', 'x-mintbot-signature': sign(SECRET, raw), 'x-mintbot-event-id': `evt_wal_${n}_${randomUUID()}`, 'x-mintbot-event-type': 'order.created' };
      for (;;) {
        const res = await fetch(`${url}/webhooks/mintoffice`, { method: 'POST', headers, body: raw });
        await res.arrayBuffer();
        max = Math.max(max, walSize(path));
        if (res.status === 200) return;
        expect(res.status).toBe(503); // waited for the WAL to be reset too long: the sender retries
        retried++;
      }
    };
    // 16 senders back to back, 600 events of ~16 KB (10 MB): the log never goes idle.
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < 600) await post(next++);
    }));
    expect(portal.deps.db.prepare('SELECT count(*) AS n FROM webhook_events').get()).toEqual({ n: 600 });
    expect(max).toBeLessThan(1.5 * MB);
    expect(retried).toBeLessThan(600);
  });
});
