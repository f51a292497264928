import { request, type Dispatcher } from 'undici';
import { sign, WEBHOOK_HEADERS, WEBHOOK_USER_AGENT } from '../../contract/index.js';
import type { DeliveryRow } from '../store/deliveries.js';

/** Spec: "Respond with a 2xx status within 10 seconds to acknowledge." */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** What an attempt sent and how long it took, whatever its outcome. */
export interface AttemptFacts {
  signature: string;
  latencyMs: number;
}

export type SendResult = AttemptFacts &
  (
    | { kind: 'delivered'; status: number }
    | { kind: 'failed'; status: number | null; error: string | null }
    /** The stub is shutting down: the attempt does not count, the row stays due. */
    | { kind: 'aborted' }
  );

/** The headers every attempt of a delivery carries (the signature is made per attempt). */
export function webhookHeaders(delivery: Pick<DeliveryRow, 'event_id' | 'event_type'>, signature: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': WEBHOOK_USER_AGENT,
    [WEBHOOK_HEADERS.signature]: signature,
    [WEBHOOK_HEADERS.eventId]: delivery.event_id,
    [WEBHOOK_HEADERS.eventType]: delivery.event_type,
  };
}

class DeliveryTimeout extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms / 1000} s`);
  }
}

/**
 * One signed POST of a queued delivery. The signature uses real wall time, at each attempt.
 *
 * The limit is a plain setTimeout that aborts a controller we hold, covering headers and body:
 * `AbortSignal.any([…, AbortSignal.timeout()])` lost its timeout to a garbage collection on
 * Node 20 (nodejs/node#57736), and a receiver that answered after 11 s was recorded delivered.
 */
export async function sendWebhook(
  dispatcher: Dispatcher,
  secret: string,
  delivery: DeliveryRow,
  shutdown: AbortSignal,
  timeoutMs: number = WEBHOOK_TIMEOUT_MS,
): Promise<SendResult> {
  const signature = sign(secret, delivery.payload);
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeliveryTimeout(timeoutMs)), timeoutMs);
  const onShutdown = () => controller.abort(shutdown.reason);
  shutdown.addEventListener('abort', onShutdown, { once: true });
  if (shutdown.aborted) onShutdown();
  const facts = () => ({ signature, latencyMs: Math.round(performance.now() - started) });
  try {
    const response = await request(delivery.url, {
      method: 'POST',
      dispatcher,
      signal: controller.signal,
      headers: webhookHeaders(delivery, signature),
      body: delivery.payload,
    });
    // Read (and drop) the body under the same limit, so a slow receiver cannot hold the socket.
    await response.body.dump({ limit: 64 * 1024, signal: controller.signal }).catch(() => undefined);
    if (controller.signal.aborted) throw controller.signal.reason;
    const status = response.statusCode;
    return status >= 200 && status < 300 ? { kind: 'delivered', status, ...facts() } : { kind: 'failed', status, error: null, ...facts() };
  } catch (error) {
    if (shutdown.aborted) return { kind: 'aborted', ...facts() };
    if (controller.signal.reason instanceof DeliveryTimeout) return { kind: 'failed', status: null, error: controller.signal.reason.message, ...facts() };
    return { kind: 'failed', status: null, error: describeTransportError(error), ...facts() };
  } finally {
    clearTimeout(timer);
    shutdown.removeEventListener('abort', onShutdown);
  }
}

function describeTransportError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return 'transport error';
}
