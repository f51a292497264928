import type BetterSqlite3 from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { sign } from '../../../src/contract/index.js';
import Database from '../../../src/lib/sqlite-driver.js';
import { startTestPortal } from '../../support/portal.js';
import { orderPayload, SECRET } from '../webhooks/send.js';

type Running = Awaited<ReturnType<typeof startTestPortal>>;
let portal: Running | undefined;
let other: BetterSqlite3.Database | undefined;
afterEach(async () => {
  if (other?.inTransaction) other.exec('ROLLBACK');
  other?.close();
  await portal?.close();
  portal = other = undefined;
});

function postEvent(url: string, eventId: string) {
  const raw = JSON.stringify(orderPayload(4242));
  return fetch(`${url}/webhooks/mintoffice`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-mintbot-signature': sign(SECRET, raw), 'x-mintbot-event-id': eventId, 'x-mintbot-event-type': 'order.paid' },
    body: raw,
  });
}

const events = (db: BetterSqlite3.Database) => db.prepare('SELECT count(*) AS n FROM webhook_events').get();

describe('another process holds the write lock', () => {
  it('when a webhook arrives during the lock, then pages keep being served while it waits, it answers 503 with Retry-After, and the retry after the lock is stored once', async () => {
    portal = await startTestPortal();
    const url = portal.url;
    const auth = `Basic ${Buffer.from('admin:correct-horse-battery').toString('base64')}`;
    other = new Database(portal.deps.config.dbPath);
    other.exec('BEGIN IMMEDIATE'); // what a backup or migration tool holding the lock does

    const eventId = `evt_locked_${randomUUID()}`;
    let answered = false;
    const webhook = postEvent(url, eventId).then((res) => {
      answered = true;
      return res;
    });
    const pages: number[] = [];
    for (let i = 0; i < 10; i++) {
      const path = ['/', '/buy?plan=s1', '/admin', '/thank-you?ref=AAAAAAAAAAAAAAAAAAAAAAAA'][i % 4]!;
      const res = await fetch(`${url}${path}`, { headers: path === '/admin' ? { authorization: auth } : {} });
      await res.arrayBuffer();
      pages.push(res.status);
    }
    // Every page was answered while the webhook was still waiting for the lock.
    expect(pages).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    expect(answered).toBe(false);

    const res = await webhook;
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    other.exec('ROLLBACK');
    expect(events(other)).toEqual({ n: 0 });

    const retry = await postEvent(url, eventId);
    expect(retry.status).toBe(200);
    expect(events(other)).toEqual({ n: 1 });
  });
});
