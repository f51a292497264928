/**
 * The Brand Partner API as code. The portal's client and the stub both import these schemas,
 * so the two cannot drift apart.
 */
export * from './orders.js';
export * from './fields.js';
export * from './catalog.js';
export * from './account.js';
export * from './dns.js';
export * from './errors.js';
export * from './webhooks.js';
export * from './signature.js';
export * from './time.js';

export const API_PREFIX = '/api/v1';
export const LIVE_API_URL = 'https://mint.mintbot.ai';
export const REQUEST_ID_HEADER = 'x-request-id';
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAY_HEADER = 'idempotent-replay';
export * from './stub.js';
