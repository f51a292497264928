import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_DRIVER_PATH } from '../../src/lib/sqlite-driver.js';
import { startTestPortal } from '../support/portal.js';

type Running = Awaited<ReturnType<typeof startTestPortal>>;
let portal: Running | undefined;
let holder: ChildProcess | undefined;
let pgHolder: pg.Client | undefined;
afterEach(async () => {
  holder?.kill();
  holder = undefined;
  await pgHolder?.end();
  pgHolder = undefined;
  await portal?.close();
  portal = undefined;
});

/** Another process (a backup, a migration) takes the database's write lock and keeps it until killed. */
async function holdWriteLock(dbPath: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-e', `const db = new (require(${JSON.stringify(SQLITE_DRIVER_PATH)}))(${JSON.stringify(dbPath)}); db.exec('BEGIN IMMEDIATE'); console.log('locked'); setInterval(() => {}, 1000);`],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited (${code})`)));
  });
  return child;
}

/** The same on PostgreSQL: a transaction that holds the tables' write locks (EXCLUSIVE lets readers in). */
async function holdPostgresWriteLock(url: string): Promise<pg.Client> {
  const client = new pg.Client(url);
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE kv, orders, webhook_events IN EXCLUSIVE MODE');
  return client;
}

describe('GET /healthz', () => {
  it('when another process holds the database write lock, then /healthz still says ok: the portal can serve', async () => {
    portal = await startTestPortal();
    const url = portal.deps.config.databaseUrl;
    if (url) pgHolder = await holdPostgresWriteLock(url);
    else holder = await holdWriteLock(join(portal.dir, 'portal.db'));
    const res = await fetch(`${portal.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('when the database is unusable (closed), then /healthz is unhealthy', async () => {
    portal = await startTestPortal();
    await portal.database.close();
    const res = await fetch(`${portal.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unhealthy' });
  });
});
