/**
 * How late a healthy webhook receiver gets its event while another receiver hangs (issue 13:
 * "a hanging receiver delays no other receiver by more than 100 ms"). The stub runs in this
 * process on a temp database; one receiver never answers (each attempt is cut at 10 s), the other
 * answers at once. First `HUNG` orders point at the hanging receiver, then `SAMPLES` orders, one
 * after another, at the healthy one: latency = arrival at the receiver − the moment the create
 * request was sent (so it includes the create's own round trip: an upper bound on the delay).
 *
 *   npm run build && node dist/bench/stub-hanging-receiver.js [samples=50] [hung=12]
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startStub } from '../src/stub/index.js';

const SAMPLES = Number(process.argv[2] ?? 50);
const HUNG = Number(process.argv[3] ?? 12);

async function receiver(hang: boolean, onArrival: (at: number) => void) {
  const server = createServer((req, res) => {
    req.resume();
    onArrival(performance.now());
    if (!hang) res.writeHead(200).end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook` };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-hang-'));
  let hungArrivals = 0;
  let healthyArrived: ((at: number) => void) | null = null;
  const hanging = await receiver(true, () => hungArrivals++);
  const healthy = await receiver(false, (at) => healthyArrived?.(at));
  const stub = await startStub({ port: 0, dbPath: join(dir, 'stub.db'), deployQuota: 100_000, rateLimit: 1_000_000, retrySchedule: [0, 3600] });
  const create = async (webhookUrl: string) => {
    const res = await request(`${stub.url}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stub.apiKey()}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ tier: 's1', duration_months: 1, success_url: 'https://a.example/t', cancel_url: 'https://a.example/c', webhook_url: webhookUrl }),
    });
    await res.body.dump();
    if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode}`);
  };

  for (let i = 0; i < HUNG; i++) await create(hanging.url);
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const arrived = new Promise<number>((resolve) => (healthyArrived = resolve));
    const sent = performance.now();
    await create(healthy.url);
    latencies.push((await arrived) - sent);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
  console.log(`healthy receiver while ${HUNG} deliveries hang (${hungArrivals} reached the hanging receiver): ` +
    `${SAMPLES} samples, median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`);
  await stub.close();
  for (const { server } of [hanging, healthy]) {
    server.closeAllConnections();
    server.close();
  }
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
