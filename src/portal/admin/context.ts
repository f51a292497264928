import type { Request, Response } from 'express';
import { z } from 'zod';
import type { PortalDeps } from '../deps.js';
import type { AdminTab } from './render.js';

/** What every admin route module gets from adminRouter (see routes.ts). */
export interface AdminContext {
  deps: PortalDeps;
  /** Renders an admin page with the shared data (CSRF token, plan names, now, the attention badge). */
  page(req: Request, res: Response, view: string, data: Record<string, unknown>, status?: number): Promise<void>;
  /** A one-message page (404, bad request) for a tab. */
  message(req: Request, res: Response, status: number, tab: AdminTab | null, title: string, message: string): void;
  /** Parses req.query; on failure answers 400 naming the field and returns undefined. */
  parse<S extends z.ZodType>(schema: S, req: Request, res: Response, tab: AdminTab): z.infer<S> | undefined;
  /** The signed-in admin's name (HTTP Basic). */
  user(req: Request): string;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const optional = <S extends z.ZodType>(schema: S) => z.preprocess(blankToUndefined, schema.optional());
const cursor = optional(z.string().regex(/^\d{1,15}$/, { error: 'must be a row number' }).transform(Number));
/** `before` / `after` of a keyset pager. */
export const Paging = { before: cursor, after: cursor };
