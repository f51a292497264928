import type { Eta } from 'eta';
import type { Logger } from '../lib/logger.js';
import type { I18n } from './i18n/index.js';
import type { PortalConfig } from './config.js';
import type { CatalogCache } from './mintoffice/catalog-cache.js';
import type { MintOfficeClient } from './mintoffice/client.js';
import type { PortalMetrics } from './metrics/metrics.js';
import type { SettingsCache } from './mintoffice/settings-cache.js';
import type { ShopPages } from './shop/pages.js';
import type { Db } from './store/db.js';
import type { PortalStores } from './store/index.js';

/** What every part of the portal is built from; created once in createPortal(). */
export interface PortalDeps {
  config: PortalConfig;
  /**
   * The raw SQLite connection, for what has no store yet (admin queries, health probe, settings
   * cache, CSRF secret, WAL checkpointer). New feature code uses `stores`.
   */
  db: Db;
  stores: PortalStores;
  logger: Logger;
  api: MintOfficeClient;
  settings: SettingsCache;
  /** The API's package catalog (beyond the spec), when it offers one. */
  catalog: CatalogCache;
  views: Eta;
  /** The shop's languages and their message catalogues (locales/). */
  i18n: I18n;
  /** Prometheus metrics (GET /metrics); features record what happens through it. */
  metrics: PortalMetrics;
  /** The shop's pre-rendered pages (one instance: the fast path and the router share its cache). */
  shopPages: ShopPages;
}
