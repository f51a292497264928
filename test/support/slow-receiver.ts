import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowReceiver {
  url: string;
  /** Real time (performance.now) each request arrived, in arrival order. */
  arrivals: number[];
  /** Resolves when the n-th request (1-based) has arrived. */
  arrived(n: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A webhook receiver that answers 200 only after `answerAfterMs` (never, when null): the
 * misbehaving partner endpoint the 10-second limit is for.
 */
export async function startSlowReceiver(answerAfterMs: number | null): Promise<SlowReceiver> {
  const arrivals: number[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    req.resume();
    arrivals.push(performance.now());
    for (const waiter of waiting.filter((w) => arrivals.length >= w.n)) waiter.resolve();
    open.add(res);
    if (answerAfterMs === null) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }, answerAfterMs);
    timers.add(timer);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    arrivals,
    arrived: (n) =>
      arrivals.length >= n ? Promise.resolve() : new Promise((resolve) => waiting.push({ n, resolve })),
    close: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
