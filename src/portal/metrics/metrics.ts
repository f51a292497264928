import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { exposition } from '../../lib/process-metrics.js';

/** What /metrics reads from the database at scrape time (implemented per store dialect). */
export interface MetricsReads {
  /** How many local orders are in each status. */
  ordersByStatus(): Promise<Array<{ status: string; count: number }>>;
  /** Partner inquiries waiting in the outbox for delivery to INQUIRY_NOTIFY_URL. */
  outboxDepth(): Promise<number>;
}

/** One API call as the MintOffice client saw it (all attempts together). */
export interface ApiCallSample {
  /** Method and path template, e.g. `POST /orders/{id}/renew`. */
  endpoint: string;
  /** `ok` or the failure kind (`unreachable`, `rejected`, …). */
  outcome: string;
  seconds: number;
}

/**
 * The portal's Prometheus metrics. Counters and histograms are updated where things happen (the
 * webhook receiver, the API client); order and outbox gauges are read from the store per scrape.
 */
export class PortalMetrics {
  readonly registry = new Registry();
  private readonly webhookDeliveries: Counter<'verdict'>;
  private readonly webhookIngest: Histogram;
  private readonly apiCalls: Histogram<'endpoint' | 'outcome'>;

  constructor(reads: MetricsReads) {
    const registers = [this.registry];
    this.webhookDeliveries = new Counter({
      name: 'portal_webhook_deliveries_total',
      help: 'Webhook deliveries received, by verdict: stored, replayed, failed (500), or the reason one was refused',
      labelNames: ['verdict'],
      registers,
    });
    this.webhookIngest = new Histogram({
      name: 'portal_webhook_ingest_seconds',
      help: 'Time from a webhook request arriving to its answer (stored and committed, or refused)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.apiCalls = new Histogram({
      name: 'portal_api_call_duration_seconds',
      help: 'Calls to the mintbot Brand Partner API (retries included), by endpoint and outcome',
      labelNames: ['endpoint', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers,
    });
    new Gauge({
      name: 'portal_orders',
      help: 'Local orders by status',
      labelNames: ['status'],
      registers,
      async collect() {
        this.reset();
        for (const { status, count } of await reads.ordersByStatus()) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'portal_inquiry_outbox_pending',
      help: 'Partner inquiries waiting to be delivered to INQUIRY_NOTIFY_URL',
      registers,
      async collect() {
        this.set(await reads.outboxDepth());
      },
    });
  }

  webhookAnswered(verdict: string, seconds: number): void {
    this.webhookDeliveries.inc({ verdict });
    this.webhookIngest.observe(seconds);
  }

  apiCalled(sample: ApiCallSample): void {
    this.apiCalls.observe({ endpoint: sample.endpoint, outcome: sample.outcome }, sample.seconds);
  }

  /** The text exposition: the portal's metrics and the process's. */
  exposition(): Promise<{ contentType: string; body: string }> {
    return exposition(this.registry);
  }
}
