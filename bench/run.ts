/**
 * `npm run bench [-- --runs 3 --seconds 10 --before /path/to/built/checkout --only ingest,landing,admin,startup --admin-db /tmp/bench/admin.db]`
 *
 * The load figures, with Node's own load generator (faults/load.ts: undici, N requests in flight)
 * so nothing outside npm is needed:
 * - webhook ingest: unique signed events, 32 connections, the portal side by side with the bare
 *   node:http + HMAC + one-insert reference (bench/webhook-baseline.ts), interleaved per round;
 *   with --before, a second portal build (e.g. main before a change) in the same rounds;
 *   req/s, p99, server CPU per event (which other load on the machine moves less than req/s),
 *   peak RSS (VmHWM);
 * - landing: GET / on 32 connections;
 * - admin: /admin (newest) and /admin?after=0 (oldest) with 1,000,000 stored events, 4 connections;
 * - start-up: `node dist/src/main.js` (embedded stub, fresh databases) to the first 200 /healthz.
 * Prints one line per measurement and a summary; figures go to bench/RESULTS.md by hand.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeStatuses, load, percentile, type LoadResult } from '../faults/load.js';
import { signedEvents } from '../faults/signed-events.js';
import { freePort, ROOT, sleep } from '../faults/support.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    before: { type: 'string' },
    only: { type: 'string', default: 'ingest,landing,admin,startup' },
    'admin-db': { type: 'string', default: '/tmp/bench/admin.db' },
  },
});
const RUNS = Number(values.runs);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ONLY = new Set(values.only!.split(','));
const OUT = '/tmp/bench-run';
const SECRET = 'whsec_bench_0123456789abcdef';
mkdirSync(OUT, { recursive: true });

const TCK = 100; // CLK_TCK on Linux
const cpuTicks = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const vmHwmMb = (pid: number): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Starts a bench server script of `root` (its dist/bench/…) and waits for its {"pid"} line. */
async function server(root: string, script: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(root, 'dist/bench', script), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('"pid"')) resolve(text);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
  return { child, url: (JSON.parse(line.split('\n').find((l) => l.includes('"pid"'))!) as { url: string }).url };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface Ingest {
  rps: number;
  p99: number;
  cpuUs: number;
  rssMb: number;
  statuses: string;
}

async function ingestOnce(root: string, script: 'webhook-server.js' | 'webhook-baseline.js', label: string): Promise<Ingest> {
  const db = join(OUT, `${label}.db`);
  for (const s of ['', '-wal', '-shm']) rmSync(`${db}${s}`, { force: true });
  const port = await freePort();
  const { child, url } = await server(root, script, ['--db', db, '--port', String(port), '--secret', SECRET]);
  const events = signedEvents(SECRET, 5_000);
  const run = `${label}_${Date.now()}`;
  const c0 = cpuTicks(child.pid!);
  const result = await load(url, CONNECTIONS, SECONDS * 1000, (i) => {
    const e = events[i % events.length]!;
    return { method: 'POST', path: '/webhooks/mintoffice', body: e.raw, headers: { 'content-type': 'application/json', 'x-mintbot-signature': e.signature, 'x-mintbot-event-id': `evt_${run}_${i}`, 'x-mintbot-event-type': e.type } };
  });
  const cpuUs = ((cpuTicks(child.pid!) - c0) / TCK / result.requests) * 1e6;
  const rssMb = vmHwmMb(child.pid!);
  await stop(child);
  return { rps: result.requests / result.seconds, p99: percentile(result.latencies, 99), cpuUs, rssMb, statuses: describeStatuses(result.statuses) };
}

function line(label: string, r: LoadResult): string {
  return `${label}: ${(r.requests / r.seconds).toFixed(0)} req/s, p50 ${percentile(r.latencies, 50).toFixed(1)} ms, p99 ${percentile(r.latencies, 99).toFixed(1)} ms (${describeStatuses(r.statuses)})`;
}

async function ingest(): Promise<string[]> {
  const sides: Array<[string, string, 'webhook-server.js' | 'webhook-baseline.js']> = [['portal', ROOT, 'webhook-server.js'], ['reference', ROOT, 'webhook-baseline.js']];
  if (values.before) sides.splice(1, 0, ['portal before', values.before, 'webhook-server.js']);
  const results = new Map<string, Ingest[]>(sides.map(([l]) => [l, []]));
  for (let run = 1; run <= RUNS; run++) {
    // Alternate the order each round so a slow phase of the machine does not always hit one side.
    const order = run % 2 ? sides : [...sides].reverse();
    for (const [label, root, script] of order) {
      const r = await ingestOnce(root, script, label.replace(' ', '-'));
      results.get(label)!.push(r);
      console.log(`ingest run ${run} ${label}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99.toFixed(1)} ms, ${r.cpuUs.toFixed(0)} µs CPU/event, VmHWM ${r.rssMb.toFixed(0)} MB (${r.statuses}; load ${loadavg()[0]!.toFixed(1)})`);
    }
  }
  return sides.map(([label]) => {
    const rs = results.get(label)!;
    return `ingest ${label}: median ${median(rs.map((r) => r.rps)).toFixed(0)} req/s, p99 ${median(rs.map((r) => r.p99)).toFixed(1)} ms, ${median(rs.map((r) => r.cpuUs)).toFixed(0)} µs CPU/event, peak RSS ${median(rs.map((r) => r.rssMb)).toFixed(0)} MB`;
  });
}

async function landing(): Promise<string[]> {
  const db = join(OUT, 'landing.db');
  rmSync(db, { force: true });
  const { child, url } = await server(ROOT, 'webhook-server.js', ['--db', db, '--port', String(await freePort())]);
  const out: string[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const r = await load(url, CONNECTIONS, SECONDS * 1000, () => ({ method: 'GET', path: '/' }));
    out.push(line(`landing GET / run ${run}`, r));
    console.log(out.at(-1));
  }
  out.push(`landing peak RSS ${vmHwmMb(child.pid!).toFixed(0)} MB`);
  await stop(child);
  return out;
}

async function admin(): Promise<string[]> {
  const db = values['admin-db']!;
  if (!existsSync(db)) {
    mkdirSync(dirname(db), { recursive: true });
    console.log(`seeding 1,000,000 events into ${db} (once) …`);
    await new Promise<void>((resolve, reject) => {
      const seed = spawn(process.execPath, [join(ROOT, 'dist/bench/admin-seed.js'), '--db', db, '--count', '1000000'], { stdio: 'inherit' });
      seed.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`admin-seed exited ${code}`))));
    });
  }
  const { child, url } = await server(ROOT, 'webhook-server.js', ['--db', db, '--port', String(await freePort())]);
  const auth = `Basic ${Buffer.from('admin:bench-password-123').toString('base64')}`;
  // The admin's own browser: after the first sign-in it carries the device cookie, like a real one.
  const first = await fetch(`${url}/admin`, { headers: { authorization: auth } });
  await first.arrayBuffer();
  const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const out: string[] = [];
  for (const path of ['/admin', '/admin?after=0']) {
    const r = await load(url, 4, SECONDS * 1000, () => ({ method: 'GET', path, headers: { authorization: auth, ...(cookie ? { cookie } : {}) } }));
    out.push(line(`admin ${path} (1,000,000 events)`, r));
    console.log(out.at(-1));
  }
  out.push(`admin peak RSS ${vmHwmMb(child.pid!).toFixed(0)} MB`);
  await stop(child);
  return out;
}

async function startup(): Promise<string[]> {
  const times: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const dir = join(OUT, `startup-${run}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const started = performance.now();
    const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), STUB_PORT: String(await freePort()), DB_PATH: join(dir, 'portal.db'), STUB_DB_PATH: join(dir, 'stub.db'), LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        await res.arrayBuffer();
        if (res.status === 200) break;
      } catch {
        /* not listening yet */
      }
      await sleep(10);
    }
    times.push(performance.now() - started);
    await stop(child);
  }
  return [`start-up to first 200 /healthz: ${times.map((t) => t.toFixed(0)).join(' / ')} ms, median ${median(times).toFixed(0)} ms`];
}

console.log(`bench: node ${process.version}, ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${new Date().toISOString()}, runs ${RUNS} × ${SECONDS} s`);
const summary: string[] = [];
if (ONLY.has('ingest')) summary.push(...(await ingest()));
if (ONLY.has('landing')) summary.push(...(await landing()));
if (ONLY.has('admin')) summary.push(...(await admin()));
if (ONLY.has('startup')) summary.push(...(await startup()));
console.log(`\nsummary (load ${loadavg().map((l) => l.toFixed(1)).join(' ')}):\n${summary.join('\n')}`);
