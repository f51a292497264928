import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { createLogger } from '../../src/lib/logger.js';
import { openPool } from '../../src/portal/store/postgres/pool.js';
import { PgSql } from '../../src/portal/store/postgres/sql.js';
import { newPostgresDatabase } from '../support/database.js';
import { buildForTest, removeBuild, startProcess, type StartedProcess } from '../e2e/start-process.js';
import { freePort } from '../../src/lib/net.js';
import { SECRET } from '../portal/webhooks/send.js';

export const ADMIN_PASSWORD = 'correct-horse-battery';

export interface PortalProcess {
  url: string;
  process: StartedProcess;
  /** SIGKILL: the process dies mid-whatever, as in a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

/**
 * Real `npm start` processes (built once per file) on one PostgreSQL database, and a connection
 * of the test's own to check what they did.
 */
export class Fleet {
  private build: { main: string; dir: string } | undefined;
  private readonly started: PortalProcess[] = [];
  private pool: pg.Pool | undefined;
  databaseUrl = '';
  sql!: PgSql;

  async setUp(): Promise<void> {
    this.build = buildForTest();
    await this.newDatabase();
  }

  /** A fresh database for the next test. */
  async newDatabase(): Promise<void> {
    await this.pool?.end();
    this.databaseUrl = await newPostgresDatabase();
    this.pool = openPool({ url: this.databaseUrl, poolSize: 2, statementTimeoutMs: 10_000 }, createLogger('silent'));
    this.sql = new PgSql(this.pool);
  }

  /** Starts a portal process on the database; resolves once it says it is ready. */
  async start(env: Record<string, string> = {}): Promise<PortalProcess> {
    const port = await freePort();
    const proc = startProcess(this.build!.main, {
      PORT: String(port),
      DATABASE_URL: this.databaseUrl,
      DATABASE_POOL_SIZE: '4',
      MINTOFFICE_API_URL: 'http://127.0.0.1:9',
      MINTOFFICE_API_KEY: 'mo_test_0123456789abcdef',
      MINTOFFICE_WEBHOOK_SECRET: SECRET,
      MINTOFFICE_RETRIES: '0',
      MINTOFFICE_TIMEOUT_SECONDS: '2',
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      ...env,
    });
    const p: PortalProcess = {
      url: `http://127.0.0.1:${port}`,
      process: proc,
      async kill() {
        proc.child.kill('SIGKILL');
        await proc.exited;
      },
      async stop() {
        proc.child.kill('SIGTERM');
        await proc.exited;
      },
    };
    this.started.push(p);
    await proc.waitForStderr('Ready in', 30_000);
    return p;
  }

  /** Stops every process started for the test. */
  async stopAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((p) => (p.process.child.exitCode === null && p.process.child.signalCode === null ? p.stop() : undefined)));
  }

  async tearDown(): Promise<void> {
    await this.stopAll();
    await this.pool?.end();
    if (this.build) removeBuild(this.build.dir);
  }
}

export interface HoldingReceiver {
  url: string;
  /** X-Inquiry-Id of every request, in arrival order. */
  ids: string[];
  /** While true, requests are held open (never answered): a delivery in flight. */
  hold: boolean;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

/** The partner team's endpoint for inquiry notifications: answers 200, or holds requests open. */
export async function holdingReceiver(): Promise<HoldingReceiver> {
  const waiters = new Set<() => void>();
  const held: ServerResponse[] = [];
  const receiver: HoldingReceiver = {
    url: '',
    ids: [],
    hold: false,
    waitFor: (count) =>
      new Promise((resolve) => {
        const check = () => {
          if (receiver.ids.length < count) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      receiver.ids.push(String(req.headers['x-inquiry-id']));
      for (const w of [...waiters]) w();
      if (receiver.hold) held.push(res);
      else res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inquiries`;
  return receiver;
}
