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
}

const BATCH = 100;
const MAX_TIMER_MS = 2 ** 31 - 1;
const ERROR_BACKOFF_MS = 1000;

/**
 * The single background loop that runs due work: lifecycle steps derived from the orders table,
 * then due webhook deliveries. When nothing is due it sleeps until the earliest due time (stub
 * clock) or until woken by new work or a clock advance — no polling.
 *
 * Deliveries of one order are sent one after another, in queue order, so a receiver sees
 * order.paid before agent.ready; different orders go out in parallel.
 */
export class Scheduler {
  private readonly shutdown = new AbortController();
  private dirty = true;
  private busy = false;
  private closed = false;
  private wakeSleeper: (() => void) | null = null;
  private idleWaiters: (() => void)[] = [];
  private loopDone: Promise<void> = Promise.resolve();

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    this.loopDone = this.loop();
  }

  /** New work or a moved clock: look again now. */
  wake(): void {
    this.dirty = true;
    this.wakeSleeper?.();
  }

  /** Resolves once everything due at the current stub time has been run (each delivery attempted). */
  idle(): Promise<void> {
    if (this.closed || (!this.busy && !this.dirty)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops the loop; an attempt in flight is aborted and stays due for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.shutdown.abort();
    this.wakeSleeper?.();
    await this.loopDone;
    this.releaseIdleWaiters();
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      this.dirty = false;
      this.busy = true;
      let worked = false;
      let failed = false;
      try {
        worked = await this.runOnce();
      } catch (error) {
        failed = true;
        this.options.logger.error({ err: error }, 'stub scheduler pass failed');
      }
      this.busy = false;
      if (this.closed) break;
      if ((worked && !failed) || this.dirty) continue;
      this.releaseIdleWaiters();
      await this.sleep(failed ? ERROR_BACKOFF_MS : this.msUntilNextDue());
    }
  }

  private async runOnce(): Promise<boolean> {
    const now = this.options.clock.now();
    const changed = this.options.runLifecycle(now);
    const due = this.options.deliveries.due(now, BATCH);
    if (due.length > 0) await this.deliverByOrder(due);
    return changed > 0 || due.length > 0;
  }

  private async deliverByOrder(due: DeliveryRow[]): Promise<void> {
    const byOrder = new Map<number, DeliveryRow[]>();
    for (const delivery of due) {
      const queue = byOrder.get(delivery.order_id) ?? [];
      queue.push(delivery);
      byOrder.set(delivery.order_id, queue);
    }
    await Promise.all(
      [...byOrder.values()].map(async (queue) => {
        for (const delivery of queue) {
          if (this.closed) return;
          await this.attempt(delivery);
        }
      }),
    );
  }

  private async attempt(delivery: DeliveryRow): Promise<void> {
    const result = await this.options.send(delivery, this.shutdown.signal);
    if (result.kind === 'aborted' || this.closed) return;
    const attempts = delivery.attempts + 1;
    const schedule = this.options.retrySchedule;
    if (result.kind === 'delivered') {
      this.options.deliveries.recordAttempt(delivery.id, { state: 'delivered', lastStatus: result.status, lastError: null, nextAttemptAt: null });
      return;
    }
    const exhausted = attempts >= schedule.length;
    this.options.deliveries.recordAttempt(delivery.id, {
      state: exhausted ? 'exhausted' : 'pending',
      lastStatus: result.status,
      lastError: result.error,
      nextAttemptAt: exhausted ? null : this.options.clock.now() + schedule[attempts]! * 1000,
    });
    this.options.logger.warn(
      { event_id: delivery.event_id, attempt: attempts, status: result.status, error: result.error, exhausted },
      'webhook delivery failed',
    );
  }

  private msUntilNextDue(): number | null {
    const candidates = [this.options.deliveries.nextDueAt(), this.options.nextLifecycleAt()].filter(
      (at): at is number => at !== null,
    );
    if (candidates.length === 0) return null;
    return Math.max(0, Math.min(...candidates) - this.options.clock.now());
  }

  private sleep(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === null ? null : setTimeout(done, Math.min(ms, MAX_TIMER_MS));
      // The HTTP server keeps the process alive; a pending retry alone must not.
      timer?.unref();
      const self = this;
      function done() {
        if (timer) clearTimeout(timer);
        self.wakeSleeper = null;
        resolve();
      }
      this.wakeSleeper = done;
      if (this.dirty || this.closed) done();
    });
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
