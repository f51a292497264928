/**
 * Runs `fetch` now and then every `everyMs` in the background, without keeping the process
 * alive; concurrent refreshes share one run. For caches that pages read without waiting.
 */
export class BackgroundRefresh {
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly fetch: () => Promise<void>,
    private readonly everyMs: number,
  ) {}

  /** Fetches now; concurrent callers share one run. */
  refresh(): Promise<void> {
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
