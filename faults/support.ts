import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/lib/net.js';
import Database from '../src/lib/sqlite-driver.js';

export { freePort };

/** The repository root (dist/faults/ → ../..), where `node dist/src/main.js` finds plans.json. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PORTAL_MAIN = join(ROOT, 'dist/src/main.js');
export const STUB_MAIN = join(ROOT, 'dist/src/stub/main.js');

export const API_KEY = 'mo_test_faults_0123456789abcdef';
export const WEBHOOK_SECRET = 'whsec_faults_0123456789abcdef';
export const ADMIN_PASSWORD = 'faults-admin-password';

export interface Verdict {
  ok: boolean;
  detail: string;
}

/**
 * Runs one scenario as a script: prints exactly one verdict line (PASS/FAIL, name, what was
 * seen, seconds taken) and exits 0 or 1. A scenario that throws or overruns its time fails.
 */
export function runScenario(name: string, limitSeconds: number, scenario: (scratch: Scratch) => Promise<Verdict>): void {
  const started = performance.now();
  const scratch = new Scratch();
  const finish = (v: Verdict) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`${v.ok ? 'PASS' : 'FAIL'}  ${name.padEnd(16)} ${v.detail} (${seconds} s)\n`);
    scratch.cleanUp();
    process.exit(v.ok ? 0 : 1);
  };
  const timer = setTimeout(() => finish({ ok: false, detail: `did not finish within ${limitSeconds} s` }), limitSeconds * 1000);
  timer.unref();
  scenario(scratch).then(finish, (error: unknown) => finish({ ok: false, detail: `error: ${(error as Error)?.stack ?? String(error)}`.replace(/\s+/g, ' ').slice(0, 400) }));
}

/** Temp folder and child processes of one scenario; all removed or killed at the end. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'faults-'));
  private readonly children = new Set<ChildProcess>();

  track(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
  }

  cleanUp(): void {
    for (const child of this.children) child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Proc {
  child: ChildProcess;
  url: string;
  output(): string;
  kill9(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

async function waitForHttp(url: string, child: ChildProcess, output: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output().slice(-500)}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${output().slice(-500)}`);
}

function spawnNode(scratch: Scratch, main: string, env: Record<string, string>, nodeArgs: string[] = []): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [...nodeArgs, main], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  scratch.track(child);
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output: () => text };
}

function proc(child: ChildProcess, url: string, output: () => string): Proc {
  const exited = () => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  return {
    child,
    url,
    output,
    async kill9() {
      child.kill('SIGKILL');
      await exited();
    },
    async stop() {
      child.kill('SIGTERM');
      await exited();
    },
  };
}

export interface PortalOptions {
  port?: number;
  dbPath: string;
  apiUrl?: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
}

/** The built portal (`node dist/src/main.js`) in its own process, talking to `apiUrl`. */
export async function startPortal(scratch: Scratch, o: PortalOptions): Promise<Proc> {
  const port = o.port ?? (await freePort());
  const { child, output } = spawnNode(
    scratch,
    PORTAL_MAIN,
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DB_PATH: o.dbPath,
      MINTOFFICE_API_URL: o.apiUrl ?? 'http://127.0.0.1:9',
      MINTOFFICE_API_KEY: API_KEY,
      MINTOFFICE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      CHECKOUT_ORIGINS: `https://checkout.stripe.com${o.apiUrl ? `,${new URL(o.apiUrl).origin}` : ''}`,
      MINTOFFICE_RETRIES: '0',
      ...o.env,
    },
    o.nodeArgs,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, child, output);
  return proc(child, url, output);
}

export interface StubOptions {
  port?: number;
  dbPath: string;
  webhookUrl: string;
  env?: Record<string, string>;
}

/** The built stub (`node dist/src/stub/main.js`) in its own process. */
export async function startStub(scratch: Scratch, o: StubOptions): Promise<Proc> {
  const port = o.port ?? (await freePort());
  const { child, output } = spawnNode(scratch, STUB_MAIN, {
    STUB_PORT: String(port),
    STUB_DB_PATH: o.dbPath,
    STUB_API_KEY: API_KEY,
    STUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STUB_WEBHOOK_URL: o.webhookUrl,
    STUB_DEPLOY_SECONDS: '0',
    STUB_RETRY_SCHEDULE: '0,1,1,1,1,1,1',
    STUB_RATE_LIMIT: '1000000',
    STUB_IP_RATE_LIMIT: '1000000',
    STUB_DEPLOY_QUOTA: '1000000',
    LOG_LEVEL: 'warn',
    ...o.env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/api/v1/settings`, child, output);
  return proc(child, url, output);
}

/** A read-only look into a database file another process is writing. */
export function peek<T>(path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 200 ms until it returns true or `timeoutMs` passes; says which. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await sleep(200);
  }
  return check();
}

/**
 * Waits (up to 60 s) until the stub has delivered every webhook it queued, then compares what it
 * sent with what the portal stored: how many it sent, how many the portal holds, how many of the
 * sent ones are missing there and how many are stored more than once.
 */
export async function deliveriesSettled(stubDb: string, portalDb: string) {
  const pending = () => peek<{ n: number }>(stubDb, "SELECT count(*) AS n FROM deliveries WHERE state != 'delivered'")[0]!.n;
  const settled = await until(() => pending() === 0, 60_000);
  const sent = peek<{ event_id: string }>(stubDb, 'SELECT DISTINCT event_id FROM deliveries');
  const stored = peek<{ event_id: string; n: number }>(portalDb, 'SELECT event_id, count(*) AS n FROM webhook_events GROUP BY event_id');
  const storedIds = new Set(stored.map((r) => r.event_id));
  return {
    settled,
    undelivered: settled ? 0 : pending(),
    sent: sent.length,
    stored: stored.length,
    missing: sent.filter((r) => !storedIds.has(r.event_id)).length,
    twice: stored.filter((r) => r.n > 1).length,
  };
}

/** Creates an order at the stub and pays it (order.created, order.paid, provisioning, ready: 4 events). */
export async function createAndPay(stubUrl: string, n: number, pay = true): Promise<number> {
  const res = await fetch(`${stubUrl}/api/v1/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'idempotency-key': `faults-${n}-${Math.random()}` },
    body: JSON.stringify({ tier: 's1', duration_months: 1, success_url: 'http://127.0.0.1/ok', cancel_url: 'http://127.0.0.1/cancel', external_id: `faults-${n}` }),
  });
  const order = (await res.json()) as { id: number; checkout_url: string };
  if (res.status !== 201) throw new Error(`create order: ${res.status} ${JSON.stringify(order)}`);
  if (pay) {
    const paid = await fetch(`${order.checkout_url}/pay`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'card_number=4242424242424242' });
    await paid.arrayBuffer();
    if (paid.status !== 303) throw new Error(`pay: ${paid.status}`);
  }
  return order.id;
}

/** A process's peak resident set (VmHWM) in MB, 0 when it cannot be read. */
export function peakRssMb(pid: number | undefined): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}
