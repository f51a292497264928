/**
 * Starts a portal for the webhook/admin benchmarks (no workers' outbound calls matter here: the
 * API URL points nowhere). Prints one JSON line {url, pid} when listening.
 *
 *   node dist/bench/webhook-server.js --db /tmp/bench/portal.db [--port 8090]
 *   node dist/bench/webhook-server.js --database-url postgres://… [--pool 10] [--port 8090]
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../src/lib/logger.js';
import { loadPortalConfig } from '../src/portal/config.js';
import { createPortal } from '../src/portal/index.js';
import { createServer } from 'node:http';
import { listen } from '../src/lib/net.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: '/tmp/bench/portal.db' },
    'database-url': { type: 'string', default: '' },
    pool: { type: 'string', default: '10' },
    port: { type: 'string', default: '8090' },
    secret: { type: 'string', default: 'whsec_bench_0123456789abcdef' },
  },
});

const config = loadPortalConfig({
  MINTOFFICE_API_URL: 'http://127.0.0.1:9',
  MINTOFFICE_API_KEY: 'mo_bench_0123456789abcdef',
  MINTOFFICE_WEBHOOK_SECRET: values.secret,
  ADMIN_PASSWORD: 'bench-password-123',
  DB_PATH: values.db,
  DATABASE_URL: values['database-url'],
  DATABASE_POOL_SIZE: values.pool,
  PORT: values.port,
  LOG_LEVEL: 'warn',
});
// Workers run as in production (the WAL checkpointer matters here); the settings refresh fails
// fast against the closed port and is retried every 5 minutes.
const portal = await createPortal(config, { logger: createLogger('error') });
portal.startWorkers();
const server = createServer(portal.handler);
server.keepAliveTimeout = 5_000;
const address = await listen(server, config.port, config.host);
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}`, pid: process.pid })}\n`);
const stop = () => server.close(() => void portal.close().then(() => process.exit(0)));
process.on('SIGTERM', stop);
// kill -USR2 <pid>: print memory use (bytes) to stderr.
process.on('SIGUSR2', () => process.stderr.write(`${JSON.stringify(process.memoryUsage())}\n`));
process.on('SIGINT', stop);
