/**
 * Create-order throughput of the stub: POST /api/v1/orders with a fresh Idempotency-Key each,
 * `CONCURRENCY` in flight, against the built stub (`node dist/src/stub/main.js`) in its own
 * process on a fresh temp database, rate limit and quota out of the way. Three runs, median.
 *
 *   npm run build && node dist/bench/stub-create-order.js [requests=3000] [concurrency=20]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const REQUESTS = Number(process.argv[2] ?? 3000);
const CONCURRENCY = Number(process.argv[3] ?? 20);
const RUNS = 3;
const WARMUP = 200;
const MAIN = fileURLToPath(new URL('../src/stub/main.js', import.meta.url));

const BODY = JSON.stringify({
  tier: 's1',
  duration_months: 1,
  credit_usd: 10,
  success_url: 'https://shop.example/thanks?id={ORDER_ID}',
  cancel_url: 'https://shop.example/cart',
});

async function startStubProcess(dir: string): Promise<{ child: ChildProcess; url: string; key: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      STUB_PORT: '0',
      STUB_DB_PATH: join(dir, 'stub.db'),
      STUB_RATE_LIMIT: '1000000',
      STUB_DEPLOY_QUOTA: '1000000',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let banner = '';
  for await (const chunk of child.stderr!) {
    banner += String(chunk);
    const url = /URL\s+(\S+)\/api\/v1/.exec(banner)?.[1];
    const key = /API key\s+(\S+)/.exec(banner)?.[1];
    if (url && key) return { child, url, key };
  }
  throw new Error(`stub did not start:\n${banner}`);
}

async function load(pool: Pool, key: string, count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      next++;
      const res = await pool.request({
        path: '/api/v1/orders',
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: BODY,
      });
      await res.body.dump();
      if (res.statusCode !== 201) throw new Error(`unexpected ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return count / ((performance.now() - started) / 1000);
}

const results: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'stub-bench-'));
  const { child, url, key } = await startStubProcess(dir);
  const pool = new Pool(url, { connections: CONCURRENCY });
  try {
    await load(pool, key, WARMUP);
    const rate = await load(pool, key, REQUESTS);
    results.push(rate);
    console.log(`run ${run}: ${rate.toFixed(0)} orders/s (${REQUESTS} requests, concurrency ${CONCURRENCY})`);
  } finally {
    await pool.close();
    child.kill('SIGTERM');
    await once(child, 'exit');
    rmSync(dir, { recursive: true, force: true });
  }
}
const median = [...results].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
console.log(`median: ${median.toFixed(0)} orders/s`);
