import type { Express, Request } from 'express';
import { Counter, Gauge, Registry } from 'prom-client';
import { exposition } from '../lib/process-metrics.js';
import type { StubStore } from './store/index.js';

/** Where the stub's routers are mounted (src/stub/app.ts). */
export const STUB_MOUNTS = ['/api/v1', '/checkout', '/_stub'] as const;

/**
 * The stub's own Prometheus metrics: requests by route and status, and its webhook queue
 * (pending and exhausted deliveries, read from its database per scrape).
 */
export class StubMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'status'>;

  constructor(store: StubStore) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'stub_http_requests_total',
      help: 'Requests the stub answered, by route template and status',
      labelNames: ['route', 'status'],
      registers,
    });
    const byState = store.db.prepare<[], { state: string; count: number }>('SELECT state, COUNT(*) AS count FROM deliveries GROUP BY state');
    new Gauge({
      name: 'stub_webhook_deliveries',
      help: 'Webhook deliveries in the queue by state: pending (to be sent or retried), exhausted (gave up), delivered',
      labelNames: ['state'],
      registers,
      collect() {
        this.reset();
        for (const state of ['pending', 'exhausted', 'delivered']) this.set({ state }, 0);
        for (const { state, count } of byState.all()) this.set({ state }, count);
      },
    });
  }

  requestAnswered(req: Request, status: number): void {
    // The route template, never the concrete path: ids would make the label set unbounded. When
    // a route passed an error on, Express has already reset req.baseUrl: take the mount from the URL.
    const mount = req.baseUrl || (STUB_MOUNTS.find((m) => req.originalUrl.startsWith(`${m}/`)) ?? '');
    const route = req.route ? `${mount}${String(req.route.path)}` : 'unmatched';
    this.requests.inc({ route, status: String(status) });
  }

  /** GET /metrics (no auth: the stub is a local tool and these are counts). */
  mount(app: Express): void {
    app.get('/metrics', async (_req, res) => {
      const { contentType, body } = await exposition(this.registry);
      res.setHeader('Cache-Control', 'no-store');
      res.type(contentType).send(body);
    });
  }
}
