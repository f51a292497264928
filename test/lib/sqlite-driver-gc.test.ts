import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_DRIVER_PACKAGE, SQLITE_DRIVER_PATH } from '../../src/lib/sqlite-driver.js';

const run = promisify(execFile);
const CHURN = fileURLToPath(new URL('./statement-churn.cjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sqlite-gc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The regression test for better-sqlite3 12 aborting Node 24 processes when V8 collects a
 * statement outside a Node environment (docs/decisions/0015-sqlite-driver-per-node.md). It runs
 * on whichever Node runs the suite; on Node 24 a driver with the bug aborts the child
 * (SIGABRT, `(env) != nullptr`) long before it finishes.
 */
describe('the SQLite driver this Node loads', () => {
  it('is better-sqlite3 13 (Node-API) on Node 22+ and 12 on Node 20', () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect(SQLITE_DRIVER_PACKAGE).toBe(major >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3');
  });

  it('when statements are dropped under forced collections and worker threads come and go, then the process finishes instead of aborting', async () => {
    const result = await run(
      process.execPath,
      ['--expose-gc', CHURN, SQLITE_DRIVER_PATH, join(dir, 'churn.db'), '10'],
      { timeout: 90_000 },
    ).then(
      ({ stdout }) => ({ code: 0, signal: null, stdout, stderr: '' }),
      (error: { code?: number; signal?: string; stdout?: string; stderr?: string }) => ({ code: error.code, signal: error.signal, stdout: error.stdout, stderr: error.stderr }),
    );
    expect(result.stderr).not.toContain('Assertion failed');
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.stdout).toContain('done 10 rounds, 500 statements still alive');
  }, 120_000);
});
