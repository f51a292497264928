import { PackageCatalog } from '../../contract/index.js';
import type { Logger } from '../../lib/logger.js';
import type { Db } from '../store/db.js';
import type { MintOfficeClient } from './client.js';

export interface CachedCatalog {
  catalog: PackageCatalog;
  fetchedAt: number;
}

const KV_KEY = 'catalog';

/**
 * The API's package catalog (`GET /catalog`, beyond the spec), cached like the settings: refreshed
 * in the background, read without waiting, persisted so a restart while the API is down still
 * has it. A failed refresh keeps the last good catalog; a 404 means this API does not offer one,
 * and the shop falls back to the settings' prices and plans.json (as it does before any answer).
 */
export class CatalogCache {
  private current: CachedCatalog | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;
  private readonly saveStmt;
  private readonly deleteStmt;

  constructor(
    private readonly api: MintOfficeClient,
    db: Db,
    private readonly logger: Logger,
    private readonly refreshMs: number,
  ) {
    this.saveStmt = db.prepare('INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at');
    this.deleteStmt = db.prepare<[string]>('DELETE FROM kv WHERE key = ?');
    const row = db.prepare<[string], { value: string; updated_at: number }>('SELECT value, updated_at FROM kv WHERE key = ?').get(KV_KEY);
    const stored = row ? PackageCatalog.safeParse(safeJson(row.value)) : undefined;
    if (row && stored?.success) this.current = { catalog: stored.data, fetchedAt: row.updated_at };
  }

  /** The last good catalog, or undefined when the API has never answered one (or says it has none). */
  get(): CachedCatalog | undefined {
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
    const result = await this.api.getCatalog();
    if (result.ok) {
      const fetchedAt = Date.now();
      this.current = { catalog: result.value, fetchedAt };
      this.saveStmt.run(KV_KEY, JSON.stringify(result.value), fetchedAt);
      return;
    }
    const error = result.error;
    if ('status' in error && error.status === 404) {
      if (this.current) this.logger.warn('the API no longer offers GET /catalog; the shop uses the settings prices and plans.json');
      this.current = undefined;
      this.deleteStmt.run(KV_KEY);
      return;
    }
    this.logger.warn({ failure: error.kind, message: error.message }, 'catalog refresh failed; keeping the last good value');
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
