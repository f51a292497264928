import type { Logger } from '../../lib/logger.js';
import type { StubClock } from '../clock.js';
import type { DeliveryRow, DeliveryStore } from '../store/deliveries.js';
import type { SendResult } from './send.js';

export interface SchedulerOptions {
  clock: StubClock;
  deliveries: DeliveryStore;
  retrySchedule: readonly number[];
  /** Applies every lifecycle step due at `now` (one transaction); returns how many orders changed. */
  runLifecycle: (now: number) => number;
  /** Stub time of the next lifecycle step, or null. */
  nextLifecycleAt: () => number | null;
  send: (delivery: DeliveryRow, shutdown: AbortSignal) => Promise<SendResult>;
  logger: Logger;
  /** Attempts in flight at once, in all. */
  maxInFlight?: number;
  /** Attempts in flight at once to one receiver URL: a hanging receiver holds at most these. */
  maxPerUrl?: number;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const ERROR_BACKOFF_MS = 1000;
/** Due rows read per URL on each pass: enough to find one whose order is not already sending. */
const PER_URL_LOOKAHEAD = 20;

/**
 * Runs due work: lifecycle steps derived from the orders table, then due webhook deliveries.
 *
 * Each attempt runs on its own: a pass starts every due delivery there is room for and returns
 * at once, and each attempt that ends wakes the next pass. No attempt waits for another's
 * receiver, except that deliveries of one order go one after another in queue order (a receiver
 * sees order.paid before agent.ready), and one URL holds at most `maxPerUrl` of the
 * `maxInFlight` slots — due rows are read round-robin across URLs, so a receiver that hangs for
 * 10 s delays nobody else. When nothing is due a timer waits for the earliest due time (stub
 * clock); new work or a clock advance wakes it sooner.
 */
export class Scheduler {
  private readonly shutdown = new AbortController();
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly busyOrders = new Set<number>();
  private readonly perUrl = new Map<string, number>();
  private readonly maxInFlight: number;
  private readonly maxPerUrl: number;
  private passQueued = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: SchedulerOptions) {
    this.maxInFlight = options.maxInFlight ?? 32;
    this.maxPerUrl = options.maxPerUrl ?? 4;
  }

  start(): void {
    this.wake();
  }

  /** New work or a moved clock: run a pass soon (after the caller's transaction has committed). */
  wake(): void {
    if (this.closed || this.passQueued) return;
    this.passQueued = true;
    setImmediate(() => {
      this.passQueued = false;
      this.runPass();
    });
  }

  /**
   * Runs a pass now: lifecycle steps are applied before this returns, due deliveries are started
   * but not awaited (POST /_stub/clock answers without waiting on receivers).
   */
  runPass(): void {
    if (this.closed) return;
    this.clearTimer();
    let waitMs: number | null;
    try {
      const now = this.options.clock.now();
      this.options.runLifecycle(now);
      this.startDue(now);
      waitMs = this.msUntilNextDue(now);
    } catch (error) {
      this.options.logger.error({ err: error }, 'stub scheduler pass failed');
      waitMs = ERROR_BACKOFF_MS;
    }
    this.armTimer(waitMs);
    this.releaseIdleWaitersIfIdle();
  }

  /** Resolves once nothing due at the current stub time is left to run or in flight. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops; attempts in flight are aborted and stay due for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    this.shutdown.abort();
    await Promise.allSettled(this.inFlight.values());
    this.releaseIdleWaitersIfIdle();
  }

  private startDue(now: number): void {
    if (this.inFlight.size >= this.maxInFlight) return;
    for (const delivery of this.options.deliveries.due(now, this.maxPerUrl + PER_URL_LOOKAHEAD)) {
      if (this.inFlight.size >= this.maxInFlight) return;
      if (this.inFlight.has(delivery.id) || this.busyOrders.has(delivery.order_id)) continue;
      if ((this.perUrl.get(delivery.url) ?? 0) >= this.maxPerUrl) continue;
      this.launch(delivery);
    }
  }

  private launch(delivery: DeliveryRow): void {
    this.busyOrders.add(delivery.order_id);
    this.perUrl.set(delivery.url, (this.perUrl.get(delivery.url) ?? 0) + 1);
    const running = this.attempt(delivery)
      .catch((error: unknown) => this.options.logger.error({ err: error, event_id: delivery.event_id }, 'webhook attempt failed to record'))
      .finally(() => {
        this.inFlight.delete(delivery.id);
        this.busyOrders.delete(delivery.order_id);
        const left = (this.perUrl.get(delivery.url) ?? 1) - 1;
        if (left > 0) this.perUrl.set(delivery.url, left);
        else this.perUrl.delete(delivery.url);
        this.wake();
      });
    this.inFlight.set(delivery.id, running);
  }

  private async attempt(delivery: DeliveryRow): Promise<void> {
    const attemptedAt = this.options.clock.now();
    const result = await this.options.send(delivery, this.shutdown.signal);
    if (result.kind === 'aborted' || this.closed) return;
    const facts = { attempted_at: attemptedAt, latency_ms: result.latencyMs, signature: result.signature };
    if (result.kind === 'delivered') {
      this.options.deliveries.recordAttempt(
        delivery.id,
        { state: 'delivered', lastStatus: result.status, lastError: null, nextAttemptAt: null },
        { ...facts, status: result.status, error: null },
      );
      return;
    }
    const attempts = delivery.attempts + 1;
    const schedule = this.options.retrySchedule;
    const exhausted = attempts >= schedule.length;
    // The next wait counts from when this attempt was due, not from when it ran: after the clock
    // jumps past several waits, each of those retries falls due in turn, in order.
    const dueAt = delivery.next_attempt_at ?? attemptedAt;
    this.options.deliveries.recordAttempt(
      delivery.id,
      {
        state: exhausted ? 'exhausted' : 'pending',
        lastStatus: result.status,
        lastError: result.error,
        nextAttemptAt: exhausted ? null : dueAt + schedule[attempts]! * 1000,
      },
      { ...facts, status: result.status, error: result.error },
    );
    this.options.logger.warn(
      { event_id: delivery.event_id, attempt: attempts, status: result.status, error: result.error, exhausted },
      'webhook delivery failed',
    );
  }

  /** Deliveries due already are in flight or wait for a slot; an ending attempt wakes the next pass. */
  private msUntilNextDue(now: number): number | null {
    const candidates = [this.options.deliveries.nextDueAfter(now), this.options.nextLifecycleAt()].filter(
      (at): at is number => at !== null,
    );
    if (candidates.length === 0) return null;
    return Math.max(0, Math.min(...candidates) - this.options.clock.now());
  }

  private armTimer(ms: number | null): void {
    if (ms === null || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, Math.min(ms, MAX_TIMER_MS));
    // The HTTP server keeps the process alive; a pending retry alone must not.
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private isIdle(): boolean {
    return this.closed || (!this.passQueued && this.inFlight.size === 0);
  }

  private releaseIdleWaitersIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
