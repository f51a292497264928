import { Worker } from 'node:worker_threads';
import type { Logger } from '../../lib/logger.js';
import type { Db } from '../store/db.js';

/** How often the background thread copies the WAL back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 200;

// The worker: its own connection, PASSIVE checkpoints (never blocks the writer or readers).
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage(String(err && err.message || err)); }
}, workerData.intervalMs);
parentPort.on('message', (m) => { if (m === 'stop') { clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); db.close(); } catch {} process.exit(0); } });
`;

/**
 * Moves WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit
 * that crosses the threshold, so under a webhook flood the receiving thread would stop every few
 * thousand events to copy pages and fsync. With this running, the main connection's automatic
 * checkpoint is off and a worker thread checkpoints (PASSIVE) every 200 ms on its own connection.
 * Stopping restores the automatic checkpoint. Not for ':memory:' databases.
 */
export class WalCheckpointer {
  private worker: Worker | undefined;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.worker || this.db.memory) return;
    const driver = import.meta.resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path: this.db.name, driver: new URL(driver).pathname, intervalMs: CHECKPOINT_INTERVAL_MS },
      resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
    });
    this.worker.unref();
    this.worker.on('message', (message: string) => this.logger.warn({ err: message }, 'wal checkpoint failed'));
    this.worker.on('error', (err) => {
      this.logger.error({ err }, 'wal checkpointer stopped; SQLite checkpoints automatically again');
      this.worker = undefined;
      this.db.pragma('wal_autocheckpoint = 1000');
    });
    this.db.pragma('wal_autocheckpoint = 0');
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    await exited;
  }
}
