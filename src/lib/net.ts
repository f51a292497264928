import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

/**
 * A loopback port that is free now and that the OS will not hand out by itself (for tests,
 * benchmarks and tools that start servers on known ports): picked below Linux's ephemeral range
 * (32768-60999), where port-0 listeners and outgoing connections get theirs, so nothing else on
 * the machine takes it between this check and the caller's own listen.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
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
