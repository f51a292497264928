import type { Eta } from 'eta';
import type { Logger } from '../lib/logger.js';
import type { RollingWindowLimiter } from '../lib/rate-limit.js';
import type { StubClock } from './clock.js';
import type { StubConfig } from './config.js';
import type { ApiKeyRing } from './domain/api-key.js';
import type { StubCatalog } from './domain/catalog.js';
import type { DnsService } from './domain/dns.js';
import type { WebhookEvents } from './domain/events.js';
import type { Faults } from './domain/faults.js';
import type { OrderService } from './domain/orders.js';
import type { RequestLog } from './http/request-log.js';
import type { SubscriptionService } from './domain/subscriptions.js';
import type { StubStore } from './store/index.js';

export interface FakePartner {
  id: number;
  email: string;
  createdAt: number;
}

/** Everything the routes need, built once in startStub. */
export interface StubContext {
  config: StubConfig;
  /** Base URL the stub is reachable at (checkout URLs), without /api/v1. */
  publicUrl: string;
  clock: StubClock;
  store: StubStore;
  keys: ApiKeyRing;
  faults: Faults;
  orders: OrderService;
  events: WebhookEvents;
  /** Beyond the spec: the packages on sale, and monthly subscriptions. */
  catalog: StubCatalog;
  subscriptions: SubscriptionService;
  dns: DnsService;
  partner: FakePartner;
  limiters: { partner: RollingWindowLimiter; ip: RollingWindowLimiter };
  requests: RequestLog;
  views: Eta;
  logger: Logger;
  /**
   * Moves the stub clock and applies the lifecycle steps that fell due before returning; due
   * deliveries are started, not awaited.
   */
  advanceClock(seconds: number): void;
  /** POST /_stub/reset: no orders, deliveries, ledger, DNS records or faults; the clock back to real time. */
  reset(): void;
}
