/**
 * The issue's reference point for webhook ingest: bare node:http + HMAC verify + one prepared
 * SQLite insert (WAL, synchronous=NORMAL), nothing else. Run it under the same load as the
 * portal (bench/webhook-run.sh BASELINE=1) to read the portal's figure as a ratio of it.
 *
 *   node dist/bench/webhook-baseline.js --db /tmp/bench/baseline.db --port 8091
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { verify } from '../src/contract/index.js';
import Database from '../src/lib/sqlite-driver.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: '/tmp/bench/baseline.db' },
    port: { type: 'string', default: '8091' },
    secret: { type: 'string', default: 'whsec_bench_0123456789abcdef' },
  },
});

const db = new Database(values.db);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, event_type TEXT NOT NULL, payload TEXT NOT NULL, received_at INTEGER NOT NULL)');
const insert = db.prepare('INSERT INTO events (event_id, event_type, payload, received_at) VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const ok = verify(values.secret, raw, req.headers['x-mintbot-signature'] as string | undefined).ok;
    if (!ok) {
      res.writeHead(401).end();
      return;
    }
    insert.run(req.headers['x-mintbot-event-id'] as string, req.headers['x-mintbot-event-type'] as string, raw.toString('utf8'), Date.now());
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}');
  });
});
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${values.port}`, pid: process.pid })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
