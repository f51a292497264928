import { Pool } from 'undici';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  statuses: Map<number, number>;
  /** Milliseconds, sorted ascending. */
  latencies: number[];
}

/**
 * Keeps `connections` requests in flight against `origin` for `durationMs`, each connection
 * sending the next request as soon as the previous answer is read (like wrk). `next(i)` builds
 * the i-th request.
 */
export async function load(origin: string, connections: number, durationMs: number, next: (i: number) => LoadRequest): Promise<LoadResult> {
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 10_000 });
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  let i = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const r = next(i++);
        const t = performance.now();
        let status = 0;
        try {
          const res = await pool.request({ origin, method: r.method, path: r.path, headers: r.headers ?? {}, body: r.body ?? null });
          await res.body.dump();
          status = res.statusCode;
        } catch {
          status = 0;
        }
        latencies.push(performance.now() - t);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, seconds, statuses, latencies };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function describeStatuses(statuses: Map<number, number>): string {
  return [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${n}×${s || 'error'}`).join(' ');
}
