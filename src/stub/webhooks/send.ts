import { request, type Dispatcher } from 'undici';
import { sign, WEBHOOK_HEADERS, WEBHOOK_USER_AGENT } from '../../contract/index.js';
import type { DeliveryRow } from '../store/deliveries.js';

/** Spec: "Respond with a 2xx status within 10 seconds to acknowledge." */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export type SendResult =
  | { kind: 'delivered'; status: number }
  | { kind: 'failed'; status: number | null; error: string | null }
  /** The stub is shutting down: the attempt does not count, the row stays due. */
  | { kind: 'aborted' };

/** One signed POST of a queued delivery. The signature uses real wall time, at each attempt. */
export async function sendWebhook(
  dispatcher: Dispatcher,
  secret: string,
  delivery: DeliveryRow,
  shutdown: AbortSignal,
): Promise<SendResult> {
  try {
    const response = await request(delivery.url, {
      method: 'POST',
      dispatcher,
      signal: AbortSignal.any([shutdown, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]),
      headers: {
        'content-type': 'application/json',
        'user-agent': WEBHOOK_USER_AGENT,
        [WEBHOOK_HEADERS.signature]: sign(secret, delivery.payload),
        [WEBHOOK_HEADERS.eventId]: delivery.event_id,
        [WEBHOOK_HEADERS.eventType]: delivery.event_type,
      },
      body: delivery.payload,
    });
    // Read (and drop) the body within the same timeout, so a slow receiver cannot hold the socket.
    await response.body.dump({ limit: 64 * 1024, signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) }).catch(() => undefined);
    const status = response.statusCode;
    return status >= 200 && status < 300 ? { kind: 'delivered', status } : { kind: 'failed', status, error: null };
  } catch (error) {
    if (shutdown.aborted) return { kind: 'aborted' };
    return { kind: 'failed', status: null, error: describeTransportError(error) };
  }
}

function describeTransportError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return `timed out after ${WEBHOOK_TIMEOUT_MS / 1000} s`;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return 'transport error';
}
