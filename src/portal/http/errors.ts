import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isStoreBusy } from '../store/busy.js';
import type { PortalDeps } from '../deps.js';
import { renderPage, wantsJson } from './render.js';

/** An error whose message is safe to show to the person who made the request. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'That request could not be understood.',
  404: 'There is nothing at this address.',
  413: 'That request is too large.',
  415: 'That content type is not accepted here.',
  500: 'Something went wrong on our side. Please try again in a moment.',
};

export function notFound(deps: Pick<PortalDeps, 'config' | 'views'>): RequestHandler {
  return (req, res) => sendError(deps, req, res, 404, DEFAULT_MESSAGES[404]!);
}

/**
 * The one place errors become responses: the right status, a message a person can act on, a log
 * line with the request id, and never a stack trace on the wire.
 */
export function errorHandler(deps: Pick<PortalDeps, 'config' | 'views' | 'logger'>): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (isStoreBusy(err)) {
      // Another process holds the database's write lock (a backup, a migration): nothing was
      // written, and trying again shortly is the right thing to do.
      deps.logger.warn({ reqId: req.id }, 'request refused: the database is locked by another connection');
      if (res.headersSent) return res.end();
      res.setHeader('Retry-After', '5');
      return sendError(deps, req, res, 503, 'We are busy for a moment. Nothing was changed; please try again in a few seconds.');
    }
    let status = 500;
    let message = DEFAULT_MESSAGES[500]!;
    if (err instanceof HttpError) {
      status = err.status;
      message = err.message;
    } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      // body-parser and friends: malformed JSON, too large, bad charset.
      status = err.status;
      message = DEFAULT_MESSAGES[status] ?? DEFAULT_MESSAGES[400]!;
    }
    if (status >= 500) deps.logger.error({ reqId: req.id, err }, 'request failed');
    else deps.logger.info({ reqId: req.id, status, reason: err?.type ?? err?.message }, 'request refused');
    if (res.headersSent) return res.end();
    sendError(deps, req, res, status, message);
  };
}

export function sendError(
  deps: Pick<PortalDeps, 'config' | 'views'>,
  req: Parameters<RequestHandler>[0],
  res: Parameters<RequestHandler>[1],
  status: number,
  message: string,
): void {
  if (wantsJson(req)) {
    res.status(status).json({ error: message });
    return;
  }
  try {
    renderPage(deps, req, res, 'portal/error', { title: status === 404 ? 'Page not found' : 'Something went wrong', status, message, requestId: req.id }, status);
  } catch {
    // The error page itself failed (a broken template): still answer, in plain words.
    res.status(status).type('text').send(message);
  }
}
