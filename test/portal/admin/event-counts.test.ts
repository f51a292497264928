import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/lib/sqlite.js';
import { PORTAL_MIGRATIONS } from '../../../src/portal/store/migrations.js';
import { migrate, POSTGRES_MIGRATIONS } from '../../../src/portal/store/postgres/migrations.js';
import { countRows, DATABASE, databaseEnvFor, sqlOf } from '../../support/database.js';
import { createTestPortal, type TestPortal } from '../../support/portal.js';
import { orderPayload, sendEvent } from '../webhooks/send.js';
import { ADMIN, seedEvents } from './support.js';
import { visibleText } from '../../support/html.js';

// The admin events page's totals come from webhook_event_counts, kept by triggers on
// webhook_events; these tests check that they stay equal to the rows, however they arrive.

let portal: TestPortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

const shown = async (path: string) => visibleText((await request(portal!.app).get(path).auth(ADMIN.user, ADMIN.password).expect(200)).text);
const TYPES = ['order.created', 'order.paid', 'agent.ready'] as const;
/** The total as the page words it, whole: "150 events" must not match "1,150 events", nor "1 event" "1 events". */
const total = (words: string) => new RegExp(`(?<![\\d,])${words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`);

describe('admin event totals', () => {
  it('when 150 events arrive at once (several batches in flight) and some are resent, then the totals match the stored events, per type too', async () => {
    portal = await createTestPortal();
    const p = portal;
    const send = (i: number) => sendEvent(p.handler, orderPayload(5000 + i, { status: 'completed' }), { id: `evt_count_${i}`, type: TYPES[i % 3] });
    const first = await Promise.all(Array.from({ length: 150 }, (_, i) => send(i)));
    expect(first.filter((r) => r.status !== 200)).toEqual([]);
    // Every third one again: duplicates are not stored, so they must not be counted.
    const again = await Promise.all(Array.from({ length: 50 }, (_, i) => send(i * 3)));
    expect(again.every((r) => r.status === 200 && r.body.duplicate === true)).toBe(true);

    expect(await countRows(p, 'webhook_events')).toBe(150);
    expect(await shown('/admin')).toMatch(total('150 events'));
    expect(await shown('/admin?type=order.created')).toMatch(total('50 “Order created” events'));
    expect(await shown('/admin?type=agent.ready')).toMatch(total('50 “Agent ready” events'));
  });

  it('when an operator deletes old events in the database, then the totals drop with them', async () => {
    portal = await createTestPortal();
    await seedEvents(portal, Array.from({ length: 6 }, (_, i) => ({ eventId: `old${i}`, type: i < 4 ? 'order.paid' : 'agent.ready' })));
    expect(await shown('/admin')).toMatch(total('6 events'));
    await sqlOf(portal).run("DELETE FROM webhook_events WHERE event_id IN ('old0', 'old1', 'old4')");
    expect(await shown('/admin')).toMatch(total('3 events'));
    expect(await shown('/admin?type=order.paid')).toMatch(total('2 “Paid” events'));
    expect(await shown('/admin?type=agent.ready')).toMatch(total('1 “Agent ready” event'));
  });

  it.runIf(DATABASE === 'postgres')('when an operator empties the events table with TRUNCATE, then the totals are zero', async () => {
    portal = await createTestPortal();
    await seedEvents(portal, [{ eventId: 't1', type: 'order.paid' }, { eventId: 't2', type: 'agent.ready' }]);
    expect(await shown('/admin')).toMatch(total('2 events'));
    await sqlOf(portal).run('TRUNCATE webhook_events');
    expect(await shown('/admin')).toMatch(total('0 events'));
    await seedEvents(portal, [{ eventId: 't3', type: 'order.paid' }]);
    expect(await shown('/admin?type=order.paid')).toMatch(total('1 “Paid” event'));
  });

  it('when a database from before the kept totals already holds events, then upgrading counts them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'event-counts-'));
    try {
      const env = await databaseEnvFor(dir);
      const insert = (id: string, type: string) =>
        `INSERT INTO webhook_events (event_id, event_type, payload, received_at) VALUES ('${id}', '${type}', '{}', 1)`;
      const older = ['a', 'b', 'c', 'd', 'e'].map((id, i) => insert(id, i < 3 ? 'order.paid' : 'order.created'));
      if (DATABASE === 'postgres') {
        const client = new pg.Client(env['DATABASE_URL']);
        await client.connect();
        await migrate(client, POSTGRES_MIGRATIONS.slice(0, 4));
        for (const statement of older) await client.query(statement);
        await client.end();
      } else {
        const db = openDatabase(env['DB_PATH']!, PORTAL_MIGRATIONS.slice(0, 6));
        for (const statement of older) db.exec(statement);
        db.close();
      }
      portal = await createTestPortal(env);
      expect(await shown('/admin')).toMatch(total('5 events'));
      expect(await shown('/admin?type=order.paid')).toMatch(total('3 “Paid” events'));
      await seedEvents(portal, [{ eventId: 'f', type: 'order.created' }]);
      expect(await shown('/admin?type=order.created')).toMatch(total('3 “Order created” events'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
