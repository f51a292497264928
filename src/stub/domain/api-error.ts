import { ERROR_STATUS, type ErrorCode } from '../../contract/index.js';

export interface ApiErrorOptions {
  /** Fields next to `error` at the top level (quota_exceeded's deploys_used / deploy_quota). */
  extra?: Record<string, unknown>;
  /** Overrides the code's usual status (413 for a body that is too large). */
  status?: number;
  headers?: Record<string, string>;
}

/** An answer in the spec's error envelope: `{"error":{"code","message","request_id"}}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message);
    this.status = options.status ?? ERROR_STATUS[code];
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}

export const validationError = (message: string) => new ApiError('validation_error', message);
