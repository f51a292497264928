import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The request's id, echoed in `X-Request-Id` and in every log line and error body. */
      id: string;
    }
  }
}

const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,128}$/;

/** Reuses a well-formed incoming `X-Request-Id` (from a proxy) or mints one. */
export function requestIdFor(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
}

/** The id already given to this response (by the access log in front), or a new one. */
export function responseRequestId(req: IncomingMessage, res: ServerResponse): string {
  const existing = res.getHeader('X-Request-Id');
  return typeof existing === 'string' ? existing : requestIdFor(req.headers['x-request-id']);
}

/** Express middleware: sets req.id and the `X-Request-Id` response header. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    req.id = responseRequestId(req, res);
    res.setHeader('X-Request-Id', req.id);
    next();
  };
}
