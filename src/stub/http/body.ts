import express from 'express';
import type { z } from 'zod';
import { describeZodError } from '../../contract/index.js';
import { validationError } from '../domain/api-error.js';

/** API bodies are small; anything bigger is refused with 413 before it is buffered. */
export const JSON_BODY_LIMIT = '64kb';
export const jsonBody = express.json({ limit: JSON_BODY_LIMIT });

/**
 * Validates a JSON request body. Express 5 leaves `req.body` undefined when no parser matched
 * (no body, or a Content-Type other than application/json).
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined) throw validationError('body: must be a JSON object sent with Content-Type: application/json');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw validationError('body: must be a JSON object');
  return parseQuery(schema, body);
}

export function parseQuery<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw validationError(describeZodError(parsed.error));
  return parsed.data;
}

/** Order ids (and DNS record ids) in paths are positive integers; anything else names nothing. */
export function parseId(value: unknown): number | null {
  return typeof value === 'string' && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : null;
}
