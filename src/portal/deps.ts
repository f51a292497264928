import type { Eta } from 'eta';
import type { Logger } from '../lib/logger.js';
import type { I18n } from './i18n/index.js';
import type { PortalConfig } from './config.js';
import type { MintOfficeClient } from './mintoffice/client.js';
import type { SettingsCache } from './mintoffice/settings-cache.js';
import type { Db } from './store/db.js';

/** What every part of the portal is built from; created once in createPortal(). */
export interface PortalDeps {
  config: PortalConfig;
  db: Db;
  logger: Logger;
  api: MintOfficeClient;
  settings: SettingsCache;
  views: Eta;
  /** The shop's languages and their message catalogues (locales/). */
  i18n: I18n;
}
