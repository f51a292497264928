import { Router } from 'express';
import type { PortalDeps } from './deps.js';

/**
 * GET /healthz: a real SQLite write and read, and an API key to talk to mintbot with.
 * The body says nothing else (no version, no brand) so it leaks nothing to a scanner.
 */
export function healthRouter({ db, config, logger }: PortalDeps): Router {
  const write = db.prepare("INSERT INTO kv (key, value, updated_at) VALUES ('healthz', ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
  const read = db.prepare<[], { value: string }>("SELECT value FROM kv WHERE key = 'healthz'");
  const router = Router();
  router.get('/healthz', (req, res) => {
    let healthy = Boolean(config.apiKey);
    if (healthy) {
      try {
        const token = String(process.hrtime.bigint());
        write.run(token, Date.now());
        healthy = read.get()?.value === token;
      } catch (err) {
        logger.error({ reqId: req.id, err }, 'healthz: database check failed');
        healthy = false;
      }
    }
    res.setHeader('Cache-Control', 'no-store');
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'unhealthy' });
  });
  return router;
}
