import { join } from 'node:path';
import { createAndPay, deliveriesSettled, freePort, peek, runScenario, startPortal, startStub } from './support.js';

/**
 * kill -9 of the stub right after it accepted orders whose webhooks are still pending. Restarted
 * on the same database, it resumes the queue: the portal ends with every event exactly once.
 */
const ORDERS = 100;

runScenario('kill-stub', 90, async (scratch) => {
  const portalDb = join(scratch.dir, 'portal.db');
  const stubDb = join(scratch.dir, 'stub.db');
  const stubPort = await freePort();
  const portal = await startPortal(scratch, { dbPath: portalDb, apiUrl: `http://127.0.0.1:${stubPort}` });
  // The portal answers slowly enough that deliveries queue up: they are pending when the stub dies.
  let stub = await startStub(scratch, { port: stubPort, dbPath: stubDb, webhookUrl: `${portal.url}/webhooks/mintoffice` });
  for (let i = 0; i < ORDERS; i += 20) await Promise.all(Array.from({ length: 20 }, (_, j) => createAndPay(stub.url, i + j)));
  const pendingAtKill = peek<{ n: number }>(stubDb, "SELECT count(*) AS n FROM deliveries WHERE state = 'pending'")[0]!.n;
  await stub.kill9();
  stub = await startStub(scratch, { port: stubPort, dbPath: stubDb, webhookUrl: `${portal.url}/webhooks/mintoffice` });

  const { settled, sent, stored, missing, twice } = await deliveriesSettled(stubDb, portalDb);
  await stub.stop();
  await portal.stop();
  const ok = settled && sent === ORDERS * 4 && missing === 0 && twice === 0 && pendingAtKill > 0;
  return {
    ok,
    detail: `${pendingAtKill} deliveries pending at kill -9, ${sent} events in all, ${stored} stored, ${missing} missing, ${twice} stored twice${settled ? '' : ', not all delivered after 60 s'}`,
  };
});
