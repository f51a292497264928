import type { Logger } from '../../lib/logger.js';
import type { MintOfficeClient } from '../mintoffice/client.js';
import type { OrderStore } from './store.js';

/**
 * When no webhook secret is configured the portal cannot trust (or receive) events, so it polls
 * `GET /orders/{id}` for its orders that are still moving (the spec's "Webhooks are optional").
 * One order at a time, a small batch per round: a few requests per interval at most, well inside
 * the API's 120 requests/60 s.
 */
export class OrderPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly api: MintOfficeClient,
    private readonly store: OrderStore,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly batch = 20,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One round: every pollable order once. Never throws. */
  async tick(): Promise<void> {
    for (const row of await this.store.pollable(this.batch)) {
      if (this.stopped) return;
      const result = await this.api.getOrder(row.api_order_id!);
      if (!result.ok) {
        this.logger.warn({ ref: row.ref, failure: result.error.kind, message: result.error.message }, 'order poll failed; will try again');
        if (result.error.kind !== 'rejected') return; // the API is down or refusing us: wait for the next round
        continue;
      }
      if (!(await this.store.applyApiOrder(row.ref, result.value))) continue;
      // A paid renewal extends the original's agent: fetch that one too, so its page shows the new expiry.
      const updated = await this.store.byRef(row.ref);
      if (updated?.renews_ref && updated.status === 'paid') {
        const original = await this.store.byRef(updated.renews_ref);
        if (original?.api_order_id) {
          const fresh = await this.api.getOrder(original.api_order_id);
          if (fresh.ok) await this.store.applyApiOrder(original.ref, fresh.value);
        }
      }
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((err: unknown) => this.logger.error({ err }, 'order poller round failed'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}
