import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../lib/logger.js';
import { SQLITE_DRIVER_PATH } from '../../lib/sqlite-driver.js';
import type { Db } from '../store/db.js';

/** How often the background thread copies the WAL back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 200;
/** The most the WAL file may take on disk (it is 1-2 MB under normal traffic). */
export const WAL_LIMIT_BYTES = 64 * 1024 * 1024;

export interface CheckpointerOptions {
  intervalMs?: number;
  walLimitBytes?: number;
}

// The worker: its own connection. PASSIVE checkpoints never block the writer or readers, but
// under a steady stream of commits the log is never fully copied at the instant a writer starts,
// so SQLite never rewinds it and the file grows without bound. Once the log holds three quarters
// of the limit, a TRUNCATE checkpoint holds writers off while it copies the rest (the PASSIVE
// runs have already copied most) and empties the file, so the next commit starts the log afresh
// and the file's size is the log's (which the receiver's hold-back reads). RESTART would leave
// the file at its largest until a writer rewinds it, which the hold-back would then wait for.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
db.pragma('journal_size_limit = ' + workerData.limitBytes);
const resetFrames = Math.floor((workerData.limitBytes * 3) / 4 / db.pragma('page_size', { simple: true }));
const timer = setInterval(() => {
  try {
    let [pass] = db.pragma('wal_checkpoint(PASSIVE)');
    if (pass.log > resetFrames) {
      // Copy what arrived during that pass too (each pass is shorter), so the reset, which holds
      // writers off, has little left to copy.
      for (let i = 0; i < 3 && pass.log - pass.checkpointed > 256; i++) [pass] = db.pragma('wal_checkpoint(PASSIVE)');
      const [reset] = db.pragma('wal_checkpoint(TRUNCATE)');
      if (reset.busy) parentPort.postMessage('could not reset the WAL (busy); trying again');
    }
  } catch (err) { parentPort.postMessage(String(err && err.message || err)); }
}, workerData.intervalMs);
parentPort.on('message', (m) => { if (m === 'stop') { clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); db.close(); } catch {} process.exit(0); } });
`;

/**
 * Moves WAL checkpoints off the event loop and keeps the WAL bounded. SQLite's automatic
 * checkpoint runs inside the commit that crosses the threshold, so under a webhook flood the
 * receiving thread would stop every few thousand events to copy pages and fsync. With this
 * running, the main connection's automatic checkpoint is off and a worker thread checkpoints on
 * its own connection (see WORKER_SOURCE). Stopping restores the automatic checkpoint.
 * Not for ':memory:' databases.
 */
export class WalCheckpointer {
  private worker: Worker | undefined;
  private readonly intervalMs: number;
  private readonly limitBytes: number;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    options: CheckpointerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? CHECKPOINT_INTERVAL_MS;
    this.limitBytes = options.walLimitBytes ?? WAL_LIMIT_BYTES;
  }

  start(): void {
    if (this.worker || this.db.memory) return;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path: this.db.name, driver: SQLITE_DRIVER_PATH, intervalMs: this.intervalMs, limitBytes: this.limitBytes },
      resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
    });
    this.worker.unref();
    this.worker.on('message', (message: string) => this.logger.warn({ err: message }, 'wal checkpoint failed'));
    this.worker.on('error', (err) => {
      this.logger.error({ err }, 'wal checkpointer stopped; SQLite checkpoints automatically again');
      this.worker = undefined;
      this.db.pragma('wal_autocheckpoint = 1000');
    });
    // The connection that rewinds the log (the writer) is the one that applies the size limit.
    this.db.pragma(`journal_size_limit = ${this.limitBytes}`);
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

/** How long a WAL size reading is reused (a stat per batch would be wasted at thousands of batches/s). */
const WAL_STAT_EVERY_MS = 5;

/**
 * Whether the WAL file has reached the limit, for writers to hold back until the checkpointer has
 * reset it. The checkpointer normally resets the log at 3/4 of the limit; this is the backstop for
 * a machine so busy that the checkpoint thread is not scheduled in time, so the bound holds
 * whatever the scheduler does. Always false for ':memory:'.
 */
export function walOverLimit(db: Db, limitBytes: number = WAL_LIMIT_BYTES, now: () => number = performance.now.bind(performance)): () => boolean {
  if (db.memory) return () => false;
  const path = `${db.name}-wal`;
  let checkedAt = -Infinity;
  let over = false;
  return () => {
    const t = now();
    if (t - checkedAt < WAL_STAT_EVERY_MS) return over;
    checkedAt = t;
    over = (statSync(path, { throwIfNoEntry: false })?.size ?? 0) >= limitBytes;
    return over;
  };
}
