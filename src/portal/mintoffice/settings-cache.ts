import type { Settings } from '../../contract/index.js';
import { BackgroundCache } from '../../lib/background-cache.js';
import type { Logger } from '../../lib/logger.js';
import type { KvStore } from '../store/kv.js';
import type { MintOfficeClient } from './client.js';

export interface CachedSettings {
  settings: Settings;
  fetchedAt: number;
}

const KV_KEY = 'settings';

/**
 * The partner's settings (prices, credit options), refreshed in the background and read without
 * waiting: no page view ever calls the API. A failed refresh keeps the last good value, which is
 * also persisted so a restart while the API is down still shows prices. Processes sharing a
 * database share the value too: one that finds a fresh copy in the store takes it instead of
 * asking the API again.
 */
export class SettingsCache extends BackgroundCache<CachedSettings> {
  constructor(
    private readonly api: MintOfficeClient,
    private readonly kv: KvStore,
    private readonly logger: Logger,
    refreshMs: number,
  ) {
    super(refreshMs);
  }

  async load(): Promise<void> {
    const stored = await this.stored();
    if (stored) this.current = stored;
  }

  protected async fetch(): Promise<void> {
    const stored = await this.stored().catch(() => undefined);
    if (stored && stored.fetchedAt > Date.now() - this.refreshMs / 2 && stored.fetchedAt > (this.current?.fetchedAt ?? 0)) {
      this.current = stored; // another process fetched it moments ago
      return;
    }
    const result = await this.api.getSettings();
    if (!result.ok) {
      this.logger.warn({ failure: result.error.kind, message: result.error.message }, 'settings refresh failed; keeping the last good value');
      return;
    }
    const fetchedAt = Date.now();
    this.current = { settings: result.value, fetchedAt };
    await this.kv.put(KV_KEY, JSON.stringify(result.value), fetchedAt).catch((err: unknown) => this.logger.warn({ err }, 'settings could not be persisted'));
  }

  private async stored(): Promise<CachedSettings | undefined> {
    const row = await this.kv.get(KV_KEY);
    if (!row) return undefined;
    try {
      return { settings: JSON.parse(row.value) as Settings, fetchedAt: row.updatedAt };
    } catch {
      return undefined;
    }
  }
}
