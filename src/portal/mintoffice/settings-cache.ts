import type { Settings } from '../../contract/index.js';
import type { Logger } from '../../lib/logger.js';
import type { Db } from '../store/db.js';
import type { MintOfficeClient } from './client.js';

export interface CachedSettings {
  settings: Settings;
  fetchedAt: number;
}

const KV_KEY = 'settings';

/**
 * The partner's settings (prices, credit options), refreshed in the background and read without
 * waiting: no page view ever calls the API. A failed refresh keeps the last good value, which is
 * also persisted so a restart while the API is down still shows prices.
 */
export class SettingsCache {
  private current: CachedSettings | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;
  private readonly loadStmt;
  private readonly saveStmt;

  constructor(
    private readonly api: MintOfficeClient,
    db: Db,
    private readonly logger: Logger,
    private readonly refreshMs: number,
  ) {
    this.loadStmt = db.prepare<[string], { value: string; updated_at: number }>('SELECT value, updated_at FROM kv WHERE key = ?');
    this.saveStmt = db.prepare('INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at');
    const row = this.loadStmt.get(KV_KEY);
    if (row) {
      try {
        this.current = { settings: JSON.parse(row.value) as Settings, fetchedAt: row.updated_at };
      } catch {
        this.current = undefined;
      }
    }
  }

  /** The last good settings, or undefined if the API has never answered. */
  get(): CachedSettings | undefined {
    return this.current;
  }

  /** Fetches now; concurrent callers share one request. Never throws. */
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

  private async fetch(): Promise<void> {
    const result = await this.api.getSettings();
    if (!result.ok) {
      this.logger.warn({ failure: result.error.kind, message: result.error.message }, 'settings refresh failed; keeping the last good value');
      return;
    }
    const fetchedAt = Date.now();
    this.current = { settings: result.value, fetchedAt };
    this.saveStmt.run(KV_KEY, JSON.stringify(result.value), fetchedAt);
  }
}
