import type { RequestListener } from 'node:http';
import type { Logger } from '../../lib/logger.js';
import { responseRequestId } from '../../lib/request-id.js';

/**
 * One `request` log line per answered request, in front of everything the portal serves (the
 * webhook receiver and the shop's fast path bypass Express): request id, method, path without the
 * query string (queries may carry order refs), status, milliseconds — the stub's fields.
 * Decided once: below LOG_LEVEL=info the listener is returned untouched and costs nothing.
 */
export function withAccessLog(logger: Logger, listener: RequestListener): RequestListener {
  if (!logger.isLevelEnabled('info')) return listener;
  return (req, res) => {
    const started = performance.now();
    // The id is fixed here so the log line, the X-Request-Id header and any error line agree.
    const requestId = responseRequestId(req, res);
    res.setHeader('X-Request-Id', requestId);
    // Read now: Express rewrites req.url inside mounted routers (/admin/x becomes /x).
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    res.once('finish', () => {
      logger.info({ request_id: requestId, method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request');
    });
    listener(req, res);
  };
}
