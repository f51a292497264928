import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate, POSTGRES_MIGRATIONS } from '../../src/portal/store/postgres/migrations.js';
import { newPostgresDatabase } from '../support/database.js';

describe('PostgreSQL migrations', () => {
  it('when four processes migrate an empty database at the same moment, then each migration runs exactly once and all of them start', async () => {
    const url = await newPostgresDatabase();
    const clients = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const client = new pg.Client(url);
        await client.connect();
        return client;
      }),
    );
    try {
      const applied = await Promise.all(clients.map((c) => migrate(c)));
      expect(applied.reduce((a, b) => a + b, 0)).toBe(POSTGRES_MIGRATIONS.length);
      const { rows } = await clients[0]!.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
      // And a later start finds nothing to do.
      expect(await migrate(clients[1]!)).toBe(0);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});
