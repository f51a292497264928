import { describe, expect, it } from 'vitest';
import { ConfigError, loadPortalConfig } from '../../src/portal/config.js';
import { newPostgresDatabase } from '../support/database.js';
import { createTestPortal } from '../support/portal.js';

describe('DATABASE_URL and its pool', () => {
  it('when DATABASE_URL is not a postgres URL, then start-up fails with one line naming it', () => {
    expect(() => loadPortalConfig({ DATABASE_URL: 'mysql://db/portal' })).toThrow(ConfigError);
    expect(() => loadPortalConfig({ DATABASE_URL: 'mysql://db/portal' })).toThrow(/^DATABASE_URL: must be a postgres:\/\//);
    expect(() => loadPortalConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/^DATABASE_POOL_SIZE: must be between 1 and 200/);
  });

  it('when a statement runs past DATABASE_STATEMENT_TIMEOUT_SECONDS, then the server cancels it', async () => {
    const portal = await createTestPortal({ DATABASE_STATEMENT_TIMEOUT_SECONDS: '1' });
    try {
      await expect(portal.database.sql.get('SELECT pg_sleep(3)')).rejects.toThrow(/statement timeout/);
      expect(await portal.database.sql.get('SELECT 1 AS one')).toEqual({ one: 1 });
    } finally {
      await portal.close();
    }
  });

  it('when the database cannot be reached, then start-up fails without showing the password', async () => {
    const error = await createTestPortal({ DATABASE_URL: 'postgres://portal:s3cret-pw@127.0.0.1:1/portal' }).catch((err: unknown) => err as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error).message).not.toContain('s3cret-pw');
  });

  it('when the URL says sslmode=require, then TLS is required (the test server has none); sslmode=disable connects in the clear', async () => {
    const url = await newPostgresDatabase();
    const tls = await createTestPortal({ DATABASE_URL: `${url}?sslmode=require` }).catch((err: unknown) => err as Error);
    expect((tls as Error).message).toMatch(/does not support SSL/);
    const plain = await createTestPortal({ DATABASE_URL: `${url}?sslmode=disable` });
    await plain.close();
  });
});
