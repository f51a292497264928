/**
 * A value that pages read without waiting, fetched now and then every `refreshMs` in the
 * background (without keeping the process alive); concurrent refreshes share one fetch.
 * Subclasses say how to fetch it (keeping the last good value when that fails) and how to load
 * a persisted copy at start-up.
 */
export abstract class BackgroundCache<T> {
  protected current: T | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;

  constructor(protected readonly refreshMs: number) {}

  /** Reads the persisted value (start-up). */
  abstract load(): Promise<void>;

  /** One fetch that updates `current`; never throws. */
  protected abstract fetch(): Promise<void>;

  /** The last good value, or undefined when there has never been one. */
  get(): T | undefined {
    return this.current;
  }

  /** Fetches now; concurrent callers share one fetch. Never throws. */
  refresh(): Promise<void> {
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
