import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logger.js';
import { loadPortalConfig } from '../../../src/portal/config.js';
import { createPortal } from '../../../src/portal/index.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('start-up on a database that cannot be opened', () => {
  it('when DB_PATH points below a file, then the error names DB_PATH and the path', () => {
    dir = mkdtempSync(join(tmpdir(), 'portal-db-'));
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const path = join(dir, 'not-a-dir', 'portal.db');
    const config = loadPortalConfig({ DB_PATH: path, LOG_LEVEL: 'silent', MINTOFFICE_API_URL: 'http://127.0.0.1:9' });
    expect(() => createPortal(config, { logger: createLogger('silent') })).toThrow(/^DB_PATH: .*not-a-dir\/portal\.db/);
  });

  it('when DB_PATH is a file that is not a database, then the error names DB_PATH', () => {
    dir = mkdtempSync(join(tmpdir(), 'portal-db-'));
    const path = join(dir, 'portal.db');
    writeFileSync(path, 'this is not a SQLite database, just text long enough to have a header'.repeat(20));
    const config = loadPortalConfig({ DB_PATH: path, LOG_LEVEL: 'silent', MINTOFFICE_API_URL: 'http://127.0.0.1:9' });
    expect(() => createPortal(config, { logger: createLogger('silent') })).toThrow(/^DB_PATH: /);
  });
});
