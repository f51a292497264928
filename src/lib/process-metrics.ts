import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/**
 * Process-level metrics (memory, CPU, event-loop lag, GC), collected once per process however
 * many apps it runs (the portal and its embedded stub, or many portals in a test) and merged into
 * each app's /metrics.
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** One app's registry and the process's, as Prometheus text. */
export async function exposition(registry: Registry): Promise<{ contentType: string; body: string }> {
  const merged = Registry.merge([registry, processMetrics()]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
