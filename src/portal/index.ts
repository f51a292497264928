import { createServer, type RequestListener, type Server } from 'node:http';
import type { Dispatcher } from 'undici';
import { warnIfUntrustedProxy } from '../lib/client-ip.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { closeServer, connectionsCheckingInterval, listen } from '../lib/net.js';
import { createViews } from '../lib/views.js';
import { createPortalApp } from './app.js';
import type { PortalConfig } from './config.js';
import type { PortalDeps } from './deps.js';
import { withAccessLog } from './http/access-log.js';
import { PortalMetrics } from './metrics/metrics.js';
import { CatalogCache } from './mintoffice/catalog-cache.js';
import { MintOfficeClient } from './mintoffice/client.js';
import { SettingsCache } from './mintoffice/settings-cache.js';
import { OrderPoller } from './orders/poller.js';
import { createShopFastPath } from './shop/fast-path.js';
import { loadPlans } from './shop/plans.js';
import { I18n } from './i18n/index.js';
import { InquiryNotifier } from './partners/notifier.js';
import { ShopPages } from './shop/pages.js';
import { openPortalDb } from './store/db.js';
import { sqliteStores } from './store/index.js';
import { WalCheckpointer, walOverLimit } from './webhooks/checkpointer.js';
import { createWebhookHandler, WEBHOOK_PATH } from './webhooks/handler.js';

export interface Portal {
  deps: PortalDeps;
  app: ReturnType<typeof createPortalApp>;
  /**
   * The node:http listener to serve: POST /webhooks/mintoffice goes straight to the bare webhook
   * handler (Express's per-request cost matters at thousands of events/s), the rest to `app`.
   */
  handler: RequestListener;
  /** Starts background work (settings refresh, outbox, polling). Tests may skip it. */
  startWorkers(): void;
  close(): Promise<void>;
}

export interface PortalOptions {
  logger?: Logger;
  /** undici dispatcher for the MintOffice client (tests). */
  dispatcher?: Dispatcher;
  /** MintOffice client backoff (tests shorten it). */
  backoffMs?: number;
  /** Slow-client cut-offs (tests shorten them); defaults HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}

// Node's defaults let a drip-fed request hold a connection for 5 minutes. Every request here is
// small, and mintbot gives up on a webhook after 10 s, so a slow client is cut off much sooner.
export const HEADERS_TIMEOUT_MS = 15_000;
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Builds the portal (database, stores, client, caches, pages, handlers, app) without listening.
 * The one place where any of them is constructed: features get theirs through `deps`.
 */
export function createPortal(config: PortalConfig, options: PortalOptions = {}): Portal {
  const logger = options.logger ?? createLogger(config.logLevel, 'portal');
  const db = openPortalDb(config.dbPath);
  const stores = sqliteStores(db);
  const metrics = new PortalMetrics(stores.metrics);
  const api = new MintOfficeClient({
    baseUrl: config.apiUrl ?? 'http://127.0.0.1:8001',
    apiKey: config.apiKey,
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    logger,
    onCall: (call) => metrics.apiCalled(call),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
  });
  const settings = new SettingsCache(api, db, logger, config.settingsRefreshMs);
  const catalog = new CatalogCache(api, db, logger, config.settingsRefreshMs);
  const views = createViews({ cache: true });
  // A broken plans file throws ConfigError here, at start-up.
  const plans = loadPlans(config.plansFile);
  // The shop speaks every language the plans file lists that has a catalogue in locales/.
  const i18n = new I18n(plans.languages.map((l) => l.code));
  const shopPages = new ShopPages({ config, settings, catalog, views, i18n }, plans);
  const deps: PortalDeps = { config, db, stores, logger, api, settings, catalog, views, i18n, shopPages, metrics };
  // One receiver (one batch queue): node:http serves it directly, the Express app mounts the same one.
  // While the WAL file is at WAL_LIMIT_MB, the receiver holds events back until it is reset.
  const webhook = createWebhookHandler(deps, { holdBack: walOverLimit(db, config.walLimitBytes) });
  const app = createPortalApp(deps, { webhook });
  // GET / and /buy: pre-rendered pages with the same headers, without Express's per-request cost.
  const shopFastPath = createShopFastPath(deps);
  const handler: RequestListener = withAccessLog(logger, (req, res) => {
    warnIfUntrustedProxy(req, config.trustProxy, logger);
    const url = req.url ?? '';
    if (req.method === 'POST' && url.startsWith(WEBHOOK_PATH) && (url.length === WEBHOOK_PATH.length || url[WEBHOOK_PATH.length] === '?')) {
      webhook(req, res);
    } else if (!shopFastPath(req, res)) {
      app(req, res);
    }
  });
  const stops: Array<() => void | Promise<void>> = [];
  return {
    deps,
    app,
    handler,
    startWorkers() {
      if (!api.configured) {
        // Said once, loudly: every call would fail the same way, so nothing polls the API.
        logger.error('MINTOFFICE_API_KEY is not set: the shop cannot take orders and /healthz reports unhealthy until it is');
      } else {
        settings.start();
        stops.push(() => settings.stop());
        catalog.start();
        stops.push(() => catalog.stop());
      }
      // WAL checkpoints on a worker thread, so a webhook flood never stalls the event loop on one.
      const checkpointer = new WalCheckpointer(db, logger, { walLimitBytes: config.walLimitBytes });
      checkpointer.start();
      stops.push(() => checkpointer.stop());
      if (!config.webhookSecret && api.configured) {
        // No webhook secret: events cannot be verified, so follow open orders by polling the API.
        const poller = new OrderPoller(api, stores.orders, logger, config.orderPollMs);
        poller.start();
        stops.push(() => poller.stop());
      }
      if (config.inquiryNotifyUrl) {
        // Partner inquiries: deliver the outbox to INQUIRY_NOTIFY_URL (resumes what was pending).
        const notifier = new InquiryNotifier({ store: stores.inquiries, url: config.inquiryNotifyUrl, logger });
        notifier.start();
        stops.push(() => notifier.stop());
      }
    },
    async close() {
      for (const stop of stops.reverse()) await stop();
      await api.close();
      db.close();
    },
  };
}

export interface RunningPortal extends Portal {
  url: string;
  server: Server;
}

/** Creates the portal, starts its workers and listens on config.host:config.port. */
export async function startPortal(config: PortalConfig, options: PortalOptions = {}): Promise<RunningPortal> {
  const portal = createPortal(config, options);
  portal.startWorkers();
  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const httpServer = createServer(
    {
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval: connectionsCheckingInterval(headersTimeout),
      keepAliveTimeout: 5_000,
    },
    portal.handler,
  );
  const address = await listen(httpServer, config.port, config.host);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    ...portal,
    url: `http://${host}:${address.port}`,
    server: httpServer,
    async close() {
      await closeServer(httpServer);
      await portal.close();
    },
  };
}
