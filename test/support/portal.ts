import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/lib/logger.js';
import { loadPortalConfig } from '../../src/portal/config.js';
import { createPortal, startPortal, type Portal, type PortalOptions, type RunningPortal } from '../../src/portal/index.js';

export interface TestPortal extends Portal {
  dir: string;
}

/** A fresh temp folder and the test configuration (public variable names, as an operator sets them). */
function testConfig(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'portal-test-'));
  const config = loadPortalConfig({
    MINTOFFICE_API_URL: 'http://127.0.0.1:9',
    MINTOFFICE_API_KEY: 'mo_test_0123456789abcdef',
    MINTOFFICE_WEBHOOK_SECRET: 'whsec_test_0123456789abcdef',
    ADMIN_PASSWORD: 'correct-horse-battery',
    MINTOFFICE_RETRIES: '0',
    MINTOFFICE_TIMEOUT_SECONDS: '2',
    LOG_LEVEL: 'silent',
    DB_PATH: join(dir, 'portal.db'),
    ...env,
  });
  return { dir, config, options: { logger: createLogger('silent'), backoffMs: 5 } };
}

/** Closes the portal, then removes its temp folder. */
function withCleanup<P extends Portal>(portal: P, dir: string): P & { dir: string } {
  return {
    ...portal,
    dir,
    async close() {
      await portal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A portal on a fresh temp database, not listening (use supertest on `.app`), workers not
 * started. `env` uses the public variable names, exactly as an operator would set them.
 */
export function createTestPortal(env: Record<string, string> = {}): TestPortal {
  const { dir, config, options } = testConfig(env);
  return withCleanup(createPortal(config, options), dir);
}

/** Like createTestPortal, but listening on 127.0.0.1 on a free port, with workers running. */
export async function startTestPortal(env: Record<string, string> = {}, extra: PortalOptions = {}): Promise<RunningPortal & { dir: string }> {
  const { dir, config, options } = testConfig({ PORT: '0', ...env });
  return withCleanup(await startPortal(config, { ...options, ...extra }), dir);
}
