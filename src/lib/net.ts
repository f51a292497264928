import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens and resolves once bound; port 0 picks a free port (tests). */
export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * How often a server looks for requests past headersTimeout / requestTimeout. Node's default is
 * 30 s, so a 15 s timeout fires anywhere between 15 and 45 s; once a second costs one timer.
 * Never longer than the shortest timeout it enforces.
 */
export function connectionsCheckingInterval(shortestTimeoutMs = Number.POSITIVE_INFINITY): number {
  return Math.min(1_000, shortestTimeoutMs);
}

/** How long a shutdown lets requests in flight finish before it cuts their connections. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Graceful close: stop accepting, let requests in flight finish (up to `graceMs`), close each
 * kept-alive connection as soon as it is idle, then cut whatever is left. Resolves when the last
 * connection is gone.
 */
export function closeServer(server: Server, graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
  return new Promise((resolve) => {
    // A request that still arrives on a kept-alive connection is answered, then its connection closed.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    });
    // A response that finishes leaves its connection idle; Node's close() only closes the ones
    // idle at the moment it is called, so sweep until none is left.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
