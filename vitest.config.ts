import { defineConfig } from 'vitest/config';

/**
 * Two projects: every test on SQLite, and every test that touches the portal's store again on
 * PostgreSQL (a throwaway cluster; test/support/database.ts gives each portal its own database),
 * plus the tests of several processes on one PostgreSQL.
 */
const STORE_TESTS = ['test/portal/**/*.test.ts', 'test/e2e/webhook-send.test.ts', 'test/multi/**/*.test.ts'];
/** About SQLite's own file, lock and WAL: nothing of it exists on PostgreSQL. */
const SQLITE_ONLY = ['test/portal/abuse/wal.test.ts', 'test/portal/abuse/locked-db.test.ts', 'test/portal/abuse/startup-db.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Files run in parallel workers; each test owns its temp dirs, databases and ports.
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/multi/**'],
          globalSetup: ['test/support/global-setup.ts'],
          provide: { database: 'sqlite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: STORE_TESTS,
          exclude: SQLITE_ONLY,
          globalSetup: ['test/support/postgres-setup.ts'],
          provide: { database: 'postgres' },
        },
      },
    ],
  },
});
