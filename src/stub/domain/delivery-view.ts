import { WEBHOOK_HEADERS, type DeliveryDetail, type DeliveryItem } from '../../contract/index.js';
import type { AttemptRow, DeliveryRow } from '../store/deliveries.js';
import { webhookHeaders } from '../webhooks/send.js';
import { apiTime } from './present.js';

/** A delivery as `GET /_stub/deliveries` lists it (DESIGN.md fixes these fields). */
export function deliveryItem(row: DeliveryRow): DeliveryItem {
  return {
    event_id: row.event_id,
    event_type: row.event_type,
    order_id: row.order_id,
    url: row.url,
    state: row.state,
    attempts: row.attempts,
    last_status: row.last_status,
    next_attempt_at: apiTime(row.next_attempt_at),
  };
}

export function attemptItem(row: AttemptRow): DeliveryDetail['attempt_log'][number] {
  return {
    at: apiTime(row.attempted_at)!,
    status: row.status,
    latency_ms: row.latency_ms,
    error: row.error,
    signature: row.signature,
  };
}

/**
 * One delivery with everything sent: the payload, the headers (the signature differs per attempt,
 * so it is shown on each attempt) and every attempt with its time, status, latency and error.
 */
export function deliveryDetail(row: DeliveryRow, attempts: AttemptRow[]): DeliveryDetail {
  const { [WEBHOOK_HEADERS.signature]: _perAttempt, ...headers } = webhookHeaders(row, '');
  return {
    ...deliveryItem(row),
    created_at: apiTime(row.created_at)!,
    last_error: row.last_error,
    headers,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    attempt_log: attempts.map(attemptItem),
  };
}
