import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { isStoreBusy } from '../store/busy.js';
import type { PortalDeps } from '../deps.js';
import { customerError, messageKey, type CustomerError } from './customer-errors.js';
import { pageLanguage, requestLanguage } from './language.js';
import { renderPage, wantsJson } from './render.js';

/** An error whose status is safe to show to the person who made the request (the page says it in their words). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A 4xx from body-parser and friends (malformed JSON, too large, bad charset) in the shop's words. */
function byStatus(status: number): CustomerError {
  if (status === 404) return customerError('not_found');
  if (status === 413) return customerError('too_large');
  if (status === 415) return customerError('unsupported_type');
  if (status >= 400 && status < 500) return { ...customerError('bad_request'), status };
  return customerError('server');
}

export function notFound(deps: Pick<PortalDeps, 'config' | 'views' | 'i18n'>): RequestHandler {
  return (req, res) => sendError(deps, req, res, customerError('not_found'));
}

/**
 * The one place errors become responses: the right status, a message a person can act on, a log
 * line with the request id, and never a stack trace on the wire.
 */
export function errorHandler(deps: Pick<PortalDeps, 'config' | 'views' | 'logger' | 'i18n'>): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (isStoreBusy(err)) {
      // Another process holds the database's write lock (a backup, a migration): nothing was
      // written, and trying again shortly is the right thing to do.
      deps.logger.warn({ reqId: req.id }, 'request refused: the database is locked by another connection');
      if (res.headersSent) return res.end();
      return sendError(deps, req, res, customerError('store_busy', { retryAfterSeconds: 5 }));
    }
    let status = 500;
    if (err instanceof HttpError) status = err.status;
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) status = err.status;
    if (status >= 500) deps.logger.error({ reqId: req.id, err }, 'request failed');
    else deps.logger.info({ reqId: req.id, status, reason: err?.type ?? err?.message }, 'request refused');
    if (res.headersSent) return res.end();
    sendError(deps, req, res, byStatus(status));
  };
}

/** A customer error as JSON ({"error"}) for API clients, else the branded error page with the request id as reference. */
export function sendError(deps: Pick<PortalDeps, 'config' | 'views' | 'i18n'>, req: Request, res: Response, error: CustomerError): void {
  const lang = requestLanguage(deps.i18n, req, res);
  const language = pageLanguage(deps.i18n, lang, req.path);
  const message = language.tr.t(messageKey(error), error.values);
  if (error.retryAfterSeconds) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  if (wantsJson(req)) {
    res.status(error.status).json({ error: message });
    return;
  }
  try {
    const title = language.tr.t(error.status === 404 ? 'error.notFoundTitle' : 'error.title');
    renderPage(deps, req, res, 'portal/error', { title, status: error.status, message, requestId: req.id }, language, error.status);
  } catch {
    // The error page itself failed (a broken template): still answer, in plain words.
    res.status(error.status).type('text').send(message);
  }
}
