import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startStub, type RunningStub, type StubConfigInput } from '../../src/stub/index.js';

export type TestStub = RunningStub & { dbPath: string };

/**
 * A running stub for tests: port 0, a temp SQLite file, deploys that finish at once, a fast retry
 * schedule (7 attempts, 1 s apart) and rate limits out of the way. Override anything.
 * Pass `dbPath` to own the database (e.g. to restart on it); otherwise the temp dir goes on close.
 */
export async function startTestStub(overrides: StubConfigInput = {}): Promise<TestStub> {
  const ownDir = overrides.dbPath === undefined ? mkdtempSync(join(tmpdir(), 'stub-test-')) : null;
  const dbPath = overrides.dbPath ?? join(ownDir!, 'stub.db');
  const stub = await startStub({
    port: 0,
    deploySeconds: 0,
    retrySchedule: [0, 1, 1, 1, 1, 1, 1],
    rateLimit: 100_000,
    ipRateLimit: 100_000,
    ...overrides,
    dbPath,
  });
  return {
    ...stub,
    dbPath,
    close: async () => {
      await stub.close();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes received: verify signatures over these. */
  rawBody: Buffer;
  /** rawBody parsed as JSON (undefined if it is not JSON). */
  json: unknown;
  /** The status this receiver answered. */
  status: number;
}

export interface Receiver {
  /** Where to point webhooks: http://127.0.0.1:<port>/webhook */
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** The status every next request is answered with (200 by default). */
  setStatus(status: number): void;
  /** Resolves with all requests once at least `count` have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that records every request. `port` lets a test bring one back up. */
export async function startReceiver(options: { status?: number; port?: number } = {}): Promise<Receiver> {
  let status = options.status ?? 200;
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        json = undefined;
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody, json, status });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"received":true}');
      for (const wake of waiters) wake();
    });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/webhook`,
    port,
    requests,
    setStatus: (next) => {
      status = next;
    },
    waitFor: (count, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(requests);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver got ${requests.length} of ${count} expected requests within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * For a test file whose tests each need a webhook receiver and a stub delivering to it: `setup`
 * starts both; whatever a test started is closed after it.
 */
export function useStubAndReceiver(): { setup(overrides?: StubConfigInput): Promise<{ stub: TestStub; receiver: Receiver }> } {
  const started: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const s of started.splice(0).reverse()) await s.close();
  });
  return {
    async setup(overrides = {}) {
      const receiver = await startReceiver();
      started.push(receiver);
      const stub = await startTestStub({ webhookUrl: receiver.url, ...overrides });
      started.push(stub);
      return { stub, receiver };
    },
  };
}
