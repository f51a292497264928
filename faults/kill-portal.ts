import { join } from 'node:path';
import { createAndPay, deliveriesSettled, freePort, peek, runScenario, sleep, startPortal, startStub } from './support.js';

/**
 * kill -9 of the portal, four times, each while the stub is still delivering the webhooks of the
 * orders just paid (~1,200 in all). After the last restart every event the stub delivered is
 * stored exactly once, and none is missing.
 */
const ORDERS = Number(process.env.FAULTS_ORDERS ?? 300);
const KILLS = 4;

runScenario('kill-portal', 150, async (scratch) => {
  const portalDb = join(scratch.dir, 'portal.db');
  const stubDb = join(scratch.dir, 'stub.db');
  const port = await freePort();
  const portalUrl = `http://127.0.0.1:${port}`;
  const stub = await startStub(scratch, { dbPath: stubDb, webhookUrl: `${portalUrl}/webhooks/mintoffice` });
  let portal = await startPortal(scratch, { port, dbPath: portalDb, apiUrl: stub.url });

  // A quarter of the orders is created and paid, then the portal is killed while their webhooks
  // are still arriving, and restarted; four times.
  const atKill: string[] = [];
  const perRound = ORDERS / KILLS;
  for (let k = 0; k < KILLS; k++) {
    for (let i = 0; i < perRound; i += 10) await Promise.all(Array.from({ length: Math.min(10, perRound - i) }, (_, j) => createAndPay(stub.url, k * perRound + i + j)));
    const queued = peek<{ n: number }>(stubDb, 'SELECT count(*) AS n FROM deliveries')[0]!.n;
    const delivered = peek<{ n: number }>(stubDb, "SELECT count(*) AS n FROM deliveries WHERE state = 'delivered'")[0]!.n;
    atKill.push(`${delivered}/${queued}`);
    await portal.kill9();
    await sleep(300);
    portal = await startPortal(scratch, { port, dbPath: portalDb, apiUrl: stub.url });
  }

  const expected = ORDERS * 4;
  const { settled, undelivered, sent, stored, missing, twice } = await deliveriesSettled(stubDb, portalDb);
  await portal.stop();
  await stub.stop();
  const midway = atKill.every((a) => {
    const [delivered, queued] = a.split('/').map(Number);
    return delivered! < queued!;
  });
  const ok = midway && settled && sent === expected && missing === 0 && twice === 0 && stored === sent;
  return {
    ok,
    detail: `${sent} events sent (expected ${expected}), kill -9 at ${atKill.join(', ')} delivered, ${stored} stored, ${missing} missing, ${twice} stored twice${settled ? '' : `, ${undelivered} still undelivered after 60 s`}`,
  };
});
