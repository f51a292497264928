// Run by sqlite-driver-gc.test.ts in a child process:
//   node --expose-gc statement-churn.cjs <driver entry file> <database file> <rounds>
// Prepares and drops statements by the tens of thousands (some live long enough to reach V8's
// old generation), yields to the event loop so collections also run from V8's own tasks, starts
// and stops worker threads that leave statements and a connection behind for their teardown, and
// exits normally with some still alive: the moments at which better-sqlite3 12 on Node 24 runs a
// Statement destructor with no Node environment and aborts (`(env) != nullptr`). On Node 24 with
// better-sqlite3 12 this aborted every time within the first rounds.
const { Worker, isMainThread, workerData, parentPort } = require('node:worker_threads');

function churn(db, count) {
  let batch = [];
  for (let i = 0; i < count; i++) {
    batch.push(db.prepare(i % 2 ? 'SELECT count(*) AS c FROM t' : 'SELECT x FROM t WHERE x = ?'));
    if (batch.length === 1000) batch = [];
  }
  return batch;
}

if (isMainThread) {
  const [driver, path, rounds] = process.argv.slice(2);
  const Database = require(driver);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS t (x)');
  let alive = [];
  const run = async () => {
    for (let round = 0; round < Number(rounds); round++) {
      alive = churn(db, 20_500);
      globalThis.gc({ type: round % 2 ? 'major' : 'minor', execution: 'async' });
      await new Promise((resolve) => setImmediate(resolve));
      const worker = new Worker(__filename, { workerData: { driver, path } });
      await new Promise((resolve, reject) => {
        worker.once('message', () => (round % 2 ? worker.postMessage('exit') : void worker.terminate()));
        worker.once('error', reject);
        worker.once('exit', resolve);
      });
    }
    process.stdout.write(`done ${rounds} rounds, ${alive.length} statements still alive\n`);
  };
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
} else {
  const Database = require(workerData.driver);
  const db = new Database(workerData.path);
  globalThis.alive = churn(db, 5_500);
  parentPort.once('message', () => process.exit(0));
  parentPort.postMessage('ready');
}
