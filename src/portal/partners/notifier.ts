import { Agent, request, type Dispatcher } from 'undici';
import type { Logger } from '../../lib/logger.js';
import type { InquiryStore, StoredInquiry } from './store.js';

/** Wait before each attempt, in ms: the first at once, the last a day later; then `failed`. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [0, 30_000, 120_000, 600_000, 3_600_000, 21_600_000, 86_400_000];

export interface InquiryNotifierOptions {
  store: InquiryStore;
  url: string;
  logger: Logger;
  /** Clock (ms); tests move it instead of waiting. */
  now?: () => number;
  retryScheduleMs?: readonly number[];
  timeoutMs?: number;
  /** How many due deliveries one pass reads at a time. */
  batchSize?: number;
  dispatcher?: Dispatcher;
}

/** The JSON body POSTed to INQUIRY_NOTIFY_URL. */
export function notificationBody(inquiry: StoredInquiry): string {
  return JSON.stringify({
    id: inquiry.id,
    name: inquiry.name,
    email: inquiry.email,
    company: inquiry.company,
    website: inquiry.website,
    type: inquiry.type,
    message: inquiry.message,
    fastTrack: inquiry.fastTrack,
    createdAt: new Date(inquiry.createdAt).toISOString(),
  });
}

const MAX_TIMER_MS = 60 * 60 * 1000;

/**
 * Delivers stored inquiries to the partner team's endpoint from the persisted outbox: woken when
 * an inquiry is stored, on a timer for retries, and on start (so a restart resumes what was
 * pending). At least once: a receiver should de-duplicate on `id` / `X-Inquiry-Id`.
 *
 * Passes never overlap, so one process never sends the same row twice at once.
 */
export class InquiryNotifier {
  private readonly store: InquiryStore;
  private readonly now: () => number;
  private readonly schedule: readonly number[];
  private readonly timeoutMs: number;
  private readonly batchSize: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownDispatcher: Agent | undefined;
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private started = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: InquiryNotifierOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.schedule = options.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.batchSize = options.batchSize ?? 20;
    this.ownDispatcher = options.dispatcher ? undefined : new Agent({ connect: { timeout: this.timeoutMs } });
    this.dispatcher = options.dispatcher ?? this.ownDispatcher!;
  }

  /** Starts listening for new inquiries and delivers whatever is already due. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.store.onStored(() => void this.runDue());
    void this.runDue();
  }

  /** Stops the timer, cancels an attempt in flight (not counted: it will be retried) and waits. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.ownDispatcher?.close();
  }

  /**
   * Delivers every due row; resolves when done. A call during a pass makes that pass look again
   * instead of starting a second one. (Timers for later retries run only after start().)
   */
  runDue(): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    if (this.running) {
      // The pass in flight looks again before it ends (or chains one more): wait for that too.
      this.again = true;
      return this.running.then(() => this.running);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.pass().finally(() => {
      this.running = undefined;
      void this.scheduleNext();
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      do {
        this.again = false;
        let batch = await this.store.due(this.now(), this.batchSize);
        while (batch.length > 0 && !this.stopping.signal.aborted) {
          for (const { inquiry, attempts } of batch) {
            if (this.stopping.signal.aborted) return;
            await this.deliver(inquiry, attempts);
          }
          batch = await this.store.due(this.now(), this.batchSize);
        }
      } while (this.again && !this.stopping.signal.aborted);
    } catch (err) {
      // The database failed under us: log it, the timer tries again later.
      this.options.logger.error({ err }, 'inquiry outbox: pass failed');
    }
  }

  private async deliver(inquiry: StoredInquiry, attemptsSoFar: number): Promise<void> {
    const attempt = attemptsSoFar + 1;
    const error = await this.send(inquiry);
    if (error === 'stopped') return;
    const now = this.now();
    if (error === undefined) {
      await this.store.markDelivered(inquiry.id, now);
      this.options.logger.info({ inquiryId: inquiry.id, attempt }, 'inquiry outbox: delivered');
      return;
    }
    const wait = this.schedule[attempt];
    const next = wait === undefined ? undefined : now + wait;
    await this.store.markAttemptFailed(inquiry.id, error, next, now);
    const log = { inquiryId: inquiry.id, attempt, error, nextAttemptAt: next };
    if (next === undefined) this.options.logger.error(log, 'inquiry outbox: gave up');
    else this.options.logger.warn(log, 'inquiry outbox: attempt failed');
  }

  /** One POST; undefined on a 2xx, else what went wrong, in words fit for the admin. */
  private async send(inquiry: StoredInquiry): Promise<string | undefined | 'stopped'> {
    try {
      const res = await request(this.options.url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'partner-storefront-portal/inquiry-notifier',
          'x-inquiry-id': String(inquiry.id),
        },
        body: notificationBody(inquiry),
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.timeoutMs)]),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      await res.body.dump().catch(() => undefined);
      return res.statusCode >= 200 && res.statusCode < 300 ? undefined : `HTTP ${res.statusCode}`;
    } catch (err) {
      if (this.stopping.signal.aborted) return 'stopped';
      return describeError(err);
    }
  }

  private async scheduleNext(): Promise<void> {
    if (!this.started || this.stopping.signal.aborted) return;
    if (this.again) {
      void this.runDue();
      return;
    }
    let next: number | undefined;
    try {
      next = await this.store.nextDue();
    } catch (err) {
      this.options.logger.error({ err }, 'inquiry outbox: cannot read the next due time');
      next = this.now() + this.schedule[1]!;
    }
    // Stopped, or a pass started (it schedules when it ends) while the time was being read.
    if (next === undefined || this.stopping.signal.aborted || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    const delay = Math.min(Math.max(0, next - this.now()), MAX_TIMER_MS);
    this.timer = setTimeout(() => void this.runDue(), delay);
    this.timer.unref();
  }
}

/** A short reason without the URL (it may carry a token). */
function describeError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
    const code = (err as { code?: unknown }).code;
    const cause = (err as { cause?: { code?: unknown } }).cause;
    const errCode = typeof code === 'string' ? code : typeof cause?.code === 'string' ? cause.code : undefined;
    if (errCode === 'ECONNREFUSED') return 'connection refused';
    if (errCode === 'ENOTFOUND') return 'host not found';
    if (errCode?.startsWith('UND_ERR_') && errCode.includes('TIMEOUT')) return 'timed out';
    return errCode ? `network error (${errCode})` : `network error (${err.name})`;
  }
  return 'network error';
}
