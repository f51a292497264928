import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

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
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    req.id = typeof incoming === 'string' && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    next();
  };
}
