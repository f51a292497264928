import { PackageCatalog } from '../../contract/index.js';
import { BackgroundCache } from '../../lib/background-cache.js';
import type { Logger } from '../../lib/logger.js';
import type { KvStore } from '../store/kv.js';
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
export class CatalogCache extends BackgroundCache<CachedCatalog> {
  constructor(
    private readonly api: MintOfficeClient,
    private readonly kv: KvStore,
    private readonly logger: Logger,
    refreshMs: number,
  ) {
    super(refreshMs);
  }

  async load(): Promise<void> {
    const row = await this.kv.get(KV_KEY);
    const stored = row ? PackageCatalog.safeParse(safeJson(row.value)) : undefined;
    if (row && stored?.success) this.current = { catalog: stored.data, fetchedAt: row.updatedAt };
  }

  protected async fetch(): Promise<void> {
    const result = await this.api.getCatalog();
    if (result.ok) {
      const fetchedAt = Date.now();
      this.current = { catalog: result.value, fetchedAt };
      await this.kv.put(KV_KEY, JSON.stringify(result.value), fetchedAt).catch((err: unknown) => this.logger.warn({ err }, 'catalog could not be persisted'));
      return;
    }
    const error = result.error;
    if ('status' in error && error.status === 404) {
      if (this.current) this.logger.warn('the API no longer offers GET /catalog; the shop uses the settings prices and plans.json');
      this.current = undefined;
      await this.kv.delete(KV_KEY).catch((err: unknown) => this.logger.warn({ err }, 'the stored catalog could not be removed'));
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
