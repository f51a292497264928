/**
 * Starts a portal for the partner-inquiry benchmark, with its workers (so the inquiry outbox is
 * delivered while the load runs when --notify is given). Prints one JSON line {url, pid}.
 *
 *   node dist/bench/partners-server.js --db /tmp/bench/partners.db [--port 8091] [--notify URL]
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../src/lib/logger.js';
import { loadPortalConfig } from '../src/portal/config.js';
import { startPortal } from '../src/portal/index.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: '/tmp/bench/partners.db' },
    port: { type: 'string', default: '8091' },
    notify: { type: 'string' },
  },
});

const config = loadPortalConfig({
  MINTOFFICE_API_URL: 'http://127.0.0.1:9',
  MINTOFFICE_API_KEY: 'mo_bench_0123456789abcdef',
  DB_PATH: values.db,
  PORT: values.port,
  LOG_LEVEL: 'warn',
  // wrk plays a reverse proxy: each request carries its own client address in X-Forwarded-For,
  // and the default per-IP limit applies to each.
  TRUST_PROXY: 'loopback',
  SETTINGS_REFRESH_SECONDS: '86400',
  ...(values.notify ? { INQUIRY_NOTIFY_URL: values.notify } : {}),
});
const portal = await startPortal(config, { logger: createLogger('warn') });
process.stdout.write(`${JSON.stringify({ url: portal.url, pid: process.pid })}\n`);
const stop = () => void portal.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
