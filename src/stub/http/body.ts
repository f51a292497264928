import express from 'express';
import type { z } from 'zod';
import { describeZodError } from '../../contract/index.js';
import { refuseDeepJson } from '../../lib/json-depth.js';
import { validationError } from '../domain/api-error.js';

/**
 * API bodies are small; anything bigger is refused with 413 before it is buffered. Not strict:
 * `null`, `"s1"` or `42` reach parseBody and get "body: must be a JSON object" — they are valid
 * JSON, so "is not valid JSON" (body-parser's strict mode) would mislead.
 */
export const JSON_BODY_LIMIT = '64kb';
/** Too-deep JSON is refused before parsing: the checks below and the idempotency fingerprint recurse. */
export const jsonBody = express.json({ limit: JSON_BODY_LIMIT, strict: false, verify: refuseDeepJson });

/** In `u` mode a surrogate pair is one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * The path of the first string holding a lone UTF-16 surrogate (`"\ud800"` is valid JSON), or
 * null. Such a string cannot be stored or echoed as it came: SQLite would turn it into U+FFFD.
 */
function illFormedStringPath(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) return [...path, key];
    const found = illFormedStringPath(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

/**
 * Validates a JSON request body. Express 5 leaves `req.body` undefined when no parser matched
 * (no body, or a Content-Type other than application/json).
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined) throw validationError('body: must be a JSON object sent with Content-Type: application/json');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw validationError('body: must be a JSON object');
  const illFormed = illFormedStringPath(body);
  if (illFormed) throw validationError(`${illFormed.join('.') || 'body'}: must be valid Unicode (it holds a lone surrogate)`);
  return validate(schema, body);
}

/** Validates `req.query`. A parameter given twice (`?status=a&status=b`) is refused by name. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, unknown>): z.output<S> {
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) throw validationError(`${key}: must be given once`);
  }
  return validate(schema, query);
}

function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw validationError(describeZodError(parsed.error));
  return parsed.data;
}

/** Order ids (and DNS record ids) in paths are positive integers; anything else names nothing. */
export function parseId(value: unknown): number | null {
  return typeof value === 'string' && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : null;
}
