import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import { Agent } from 'undici';
import { createLogger, type Logger } from '../lib/logger.js';
import { closeServer, connectionsCheckingInterval, listen } from '../lib/net.js';
import { RollingWindowLimiter } from '../lib/rate-limit.js';
import { createViews } from '../lib/views.js';
import { createStubApp } from './app.js';
import { StubClock } from './clock.js';
import { resolveStubConfig, type StubConfig, type StubConfigInput } from './config.js';
import type { StubContext } from './context.js';
import { ApiKeyRing } from './domain/api-key.js';
import { loadCatalog } from './domain/catalog.js';
import { DnsService } from './domain/dns.js';
import { WebhookEvents } from './domain/events.js';
import { Faults } from './domain/faults.js';
import { OrderService } from './domain/orders.js';
import { RequestLog } from './http/request-log.js';
import type { ServedRoute } from './http/routes.js';
import { SubscriptionService } from './domain/subscriptions.js';
import { openStubStore, type StubStore } from './store/index.js';
import { Scheduler } from './webhooks/scheduler.js';
import { sendWebhook, WEBHOOK_TIMEOUT_MS } from './webhooks/send.js';

export { loadStubConfig, resolveStubConfig, type StubConfig, type StubConfigInput } from './config.js';

export interface RunningStub {
  /** Base URL, without /api/v1. */
  url: string;
  /** The current API key (changes on POST /_stub/rotate-key). */
  apiKey(): string;
  webhookSecret: string;
  /** The partner-level webhook URL deliveries go to when an order has none. */
  webhookUrl: string | null;
  clock: {
    now(): number;
    /** Moves the stub clock and resolves once what fell due has run (every due delivery attempted). */
    advance(seconds: number): Promise<void>;
  };
  /** Resolves once nothing is due right now (deliveries attempted, deploys finished). */
  idle(): Promise<void>;
  config: StubConfig;
  /** The listening node:http server. */
  server: Server;
  /** The Express app, for supertest. */
  app: Express;
  /** Every route the stub serves (method and Express path). */
  routes: readonly ServedRoute[];
  close(): Promise<void>;
}

const WINDOW_MS = 60_000;
const CLOCK_OFFSET_KEY = 'clock_offset_ms';

/**
 * Starts the stub: opens (or resumes) its database, listens, and starts the scheduler that runs
 * due work. Accepts a config from loadStubConfig or any subset of fields (defaults fill the rest).
 */
export async function startStub(config: StubConfig | StubConfigInput = {}, options: { logger?: Logger } = {}): Promise<RunningStub> {
  const resolved = resolveStubConfig(config);
  const logger = options.logger ?? createLogger('silent');
  const store = openStubStore(resolved.dbPath);
  // Node's own timeouts (headers 60 s, request 5 min), checked as often as the portal checks its own.
  const server = createServer({ connectionsCheckingInterval: connectionsCheckingInterval() });
  try {
    const address = await listen(server, resolved.port, resolved.host);
    const publicUrl = resolved.publicUrl ?? `http://127.0.0.1:${address.port}`;
    return assemble(resolved, publicUrl, store, server, logger);
  } catch (error) {
    store.db.close();
    throw error;
  }
}

function assemble(config: StubConfig, publicUrl: string, store: StubStore, server: Server, logger: Logger): RunningStub {
  const clock = new StubClock(Number(store.meta.get(CLOCK_OFFSET_KEY) ?? 0));
  const createdAt = Number(store.meta.getOrInit('partner_created_at', () => String(clock.now())));
  const keys = new ApiKeyRing(config.apiKey, clock.now(), store.apiKey);
  const faults = new Faults(store.faults);
  // The 10 s limit is send.ts's own timer; these only make sure no socket outlives it.
  const dispatcher = new Agent({ keepAliveTimeout: 4_000, headersTimeout: WEBHOOK_TIMEOUT_MS, bodyTimeout: WEBHOOK_TIMEOUT_MS });
  const requests = new RequestLog();

  // The scheduler needs the order service and the service wakes the scheduler: late-bound.
  let scheduler: Scheduler | undefined;
  const events = new WebhookEvents({
    store,
    publicUrl,
    partnerWebhookUrl: config.webhookUrl,
    retrySchedule: config.retrySchedule,
    onEvent: () => scheduler?.wake(),
  });
  const catalog = loadCatalog(config.catalogFile, config.creditOptions);
  const orders = new OrderService(config, store, clock, events, faults, catalog);
  const subscriptions = new SubscriptionService(catalog, store, clock, orders);
  scheduler = new Scheduler({
    clock,
    deliveries: store.deliveries,
    retrySchedule: config.retrySchedule,
    runLifecycle: (now) =>
      store.transaction(() => {
        store.idempotency.purgeExpired(now);
        // Renewals first: a subscription charged at the end of its month must not see its agent expire.
        return subscriptions.runDue(now) + orders.runDue(now);
      }),
    nextLifecycleAt: () => orders.nextDueAt(),
    send: (delivery, shutdown) => sendWebhook(dispatcher, config.webhookSecret, delivery, shutdown),
    logger,
  });

  const advanceClock = (seconds: number) => {
    clock.advance(seconds);
    store.meta.set(CLOCK_OFFSET_KEY, String(clock.offsetMs));
    scheduler.runPass();
  };

  const reset = () => {
    store.transaction(() => {
      store.clearData();
      store.meta.set(CLOCK_OFFSET_KEY, '0');
    });
    clock.reset();
    faults.forget();
    requests.clear();
    scheduler.wake();
  };

  const ctx: StubContext = {
    config,
    publicUrl,
    clock,
    store,
    keys,
    faults,
    orders,
    events,
    catalog,
    subscriptions,
    dns: new DnsService(config, store, faults),
    partner: { id: 1, email: `partner@${config.apexDomain}`, createdAt },
    limiters: {
      partner: new RollingWindowLimiter(config.rateLimit, WINDOW_MS, () => clock.now()),
      ip: new RollingWindowLimiter(config.ipRateLimit, WINDOW_MS, () => clock.now()),
    },
    requests,
    views: createViews({ cache: true }),
    logger,
    advanceClock,
    reset,
  };
  const { app, routes } = createStubApp(ctx);
  server.on('request', app);
  scheduler.start();

  let closing: Promise<void> | undefined;
  return {
    url: publicUrl,
    apiKey: () => keys.current(),
    webhookSecret: config.webhookSecret,
    webhookUrl: config.webhookUrl,
    clock: {
      now: () => clock.now(),
      advance: async (seconds) => {
        advanceClock(seconds);
        await scheduler.idle();
      },
    },
    idle: () => scheduler.idle(),
    config,
    server,
    app,
    routes,
    close: () =>
      (closing ??= (async () => {
        await closeServer(server);
        await scheduler.close();
        await dispatcher.close();
        store.db.close();
      })()),
  };
}
