import { z } from 'zod';

/** Every error code of the spec's table, with the HTTP status the API answers it with. */
export const ERROR_STATUS = {
  unauthenticated: 401,
  invalid_api_key: 401,
  rate_limited: 429,
  missing_idempotency_key: 400,
  idempotency_key_mismatch: 409,
  validation_error: 422,
  not_found: 404,
  payment_gateway_error: 502,
  dns_not_configured: 422,
  dns_provider_unsupported: 422,
  dns_provider_error: 502,
  quota_exceeded: 422,
  partner_not_live: 403,
  /** Not in the spec's table: paying an order that is not awaiting payment (DESIGN.md). */
  conflict: 409,
  /** Not in the spec's table: a known path with another method; the answer carries `Allow`. */
  method_not_allowed: 405,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export const ApiErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    request_id: z.string().nullable().optional(),
  }),
  deploys_used: z.number().int().optional(),
  deploy_quota: z.number().int().optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/**
 * Turns a zod failure into the one-line message the API uses: `field: what is wrong`.
 * Parse with `{ reportInput: true }` to get "is required" for missing fields: zod 4 leaves
 * `issue.input` out otherwise, so a wrong type cannot be told from a missing field.
 */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request body';
  const field = issue.path.map(String).join('.');
  if (issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined) {
    return `${field || 'body'}: is required`;
  }
  return field ? `${field}: ${issue.message}` : issue.message;
}
