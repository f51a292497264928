import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { TOO_DEEP_MESSAGE } from '../../lib/json-depth.js';
import type { Logger } from '../../lib/logger.js';
import { ApiError } from '../domain/api-error.js';

export function sendApiError(req: Request, res: Response, error: ApiError): void {
  res.locals.errorCode = error.code;
  res.set(error.headers);
  res.status(error.status).json({
    error: { code: error.code, message: error.message, request_id: req.id },
    ...error.extra,
  });
}

export const notFound: RequestHandler = (req) => {
  throw new ApiError('not_found', `no route for ${req.method} ${req.path}`);
};

/**
 * body-parser's failures are the client's fault: answer them as validation errors, never 500.
 * A path segment that is not valid percent-encoding (`/orders/%E0%A4%A`: the router's URIError)
 * names nothing, like `/orders/abc`: 404, not a complaint about a body the request may not have.
 */
function fromBodyParser(error: { type?: unknown; status?: unknown; limit?: unknown }): ApiError | null {
  if (error instanceof URIError) return new ApiError('not_found', 'the path is not valid percent-encoding');
  switch (error.type) {
    case 'entity.too.large':
      return new ApiError('validation_error', `body: must be at most ${error.limit} bytes`, { status: 413 });
    case 'entity.parse.failed':
      return new ApiError('validation_error', 'body: is not valid JSON');
    case 'entity.too.deep':
      return new ApiError('validation_error', `body: ${TOO_DEEP_MESSAGE}`);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new ApiError('validation_error', 'body: must be UTF-8 JSON (unsupported charset or encoding)');
    default:
      return typeof error.status === 'number' && error.status >= 400 && error.status < 500
        ? new ApiError('validation_error', 'body: could not be read')
        : null;
  }
}

export type HtmlErrorRenderer = (req: Request, res: Response, status: number, message: string) => void;

/**
 * The one error handler. Known errors get the spec's envelope; anything else is logged with its
 * stack and answered 500 with a generic message — a stack never reaches the client.
 */
export function errorHandler(logger: Logger, renderHtml: HtmlErrorRenderer): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const known = err instanceof ApiError ? err : typeof err === 'object' && err !== null ? fromBodyParser(err) : null;
    // The fake checkout is a browser flow: it answers pages, not JSON.
    if (req.path.startsWith('/checkout/')) {
      if (!known) logger.error({ err, request_id: req.id }, 'unhandled error on checkout page');
      if (known) res.set(known.headers);
      renderHtml(req, res, known?.status ?? 500, known ? known.message : 'Something went wrong on our side.');
      return;
    }
    if (known) {
      sendApiError(req, res, known);
      return;
    }
    logger.error({ err, request_id: req.id }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal_error', message: 'Internal error.', request_id: req.id } });
  };
}
