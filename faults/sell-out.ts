import { join } from 'node:path';
import { freePort, runScenario, startPortal, startStub } from './support.js';

/** Twelve orders with fresh form keys from one address (quota 10), then three real customers. */
runScenario('sell-out', 60, async (scratch) => {
  const port = await freePort();
  const stub = await startStub(scratch, { dbPath: join(scratch.dir, 'stub.db'), webhookUrl: `http://127.0.0.1:${port}/webhooks/mintoffice`, env: { STUB_DEPLOY_QUOTA: '10' } });
  const portal = await startPortal(scratch, { port, dbPath: join(scratch.dir, 'portal.db'), apiUrl: stub.url, env: { TRUST_PROXY: 'true' } });
  const buy = async (ip: string): Promise<number> => {
    const page = await (await fetch(`${portal.url}/buy?plan=s1`, { headers: { 'x-forwarded-for': ip } })).text();
    const key = /name="idempotency_key" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const res = await fetch(`${portal.url}/buy`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
      body: new URLSearchParams({ plan: 's1', duration_months: '1', credit_usd: '0', language: 'en', idempotency_key: key }).toString(),
    });
    await res.arrayBuffer();
    return res.status;
  };
  const attack: number[] = [];
  for (let i = 0; i < 12; i++) attack.push(await buy('203.0.113.66'));
  const customers: number[] = [];
  for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) customers.push(await buy(ip));
  await portal.stop();
  await stub.stop();
  const held = attack.filter((s) => s === 303).length;
  return {
    ok: held <= 2 && customers.every((s) => s === 303),
    detail: `attacker's 12 posts: ${held} accepted, ${attack.filter((s) => s === 429).length} refused 429; then 3 customers: ${customers.join(', ')}`,
  };
});
