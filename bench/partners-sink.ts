/**
 * The partner team's end of INQUIRY_NOTIFY_URL for the benchmark: answers 200 and counts.
 *   node dist/bench/partners-sink.js [--port 8092]
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8092' } } });
let received = 0;
const ids = new Set<string>();
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received, distinct: ids.size }));
    return;
  }
  req.resume();
  req.on('end', () => {
    received++;
    ids.add(String(req.headers['x-inquiry-id']));
    res.writeHead(200).end();
  });
});
server.listen(Number(values.port), '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ pid: process.pid })}\n`));
process.on('SIGTERM', () => process.exit(0));
