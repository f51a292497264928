import { connect } from 'node:net';
import { join } from 'node:path';
import { runScenario, startPortal } from './support.js';

/** A client that never finishes its headers is cut at 15 s, one that drips its body at 30 s (±2 s). */
const HEADERS_S = 15;
const BODY_S = 30;
const TOLERANCE_S = 2;

function secondsUntilClosed(url: string, first: string, drip: string | null): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(Number(port), hostname, () => socket.write(first));
    // A drip-feeding client keeps sending a byte now and then: only the overall timeout cuts it.
    const timer = drip === null ? undefined : setInterval(() => socket.write(drip), 2_000);
    socket.on('error', () => undefined);
    socket.on('data', () => undefined); // read, so the server's close is seen when it happens
    socket.on('close', () => {
      clearInterval(timer);
      resolve((performance.now() - started) / 1000);
    });
  });
}

runScenario('timeouts', 60, async (scratch) => {
  const portal = await startPortal(scratch, { dbPath: join(scratch.dir, 'portal.db') });
  const [headers, body] = await Promise.all([
    secondsUntilClosed(portal.url, 'GET / HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n'),
    secondsUntilClosed(portal.url, 'POST /api/partner HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":"', 'a'),
  ]);
  await portal.stop();
  const near = (got: number, want: number) => Math.abs(got - want) <= TOLERANCE_S;
  return {
    ok: near(headers, HEADERS_S) && near(body, BODY_S),
    detail: `headers dripped: cut after ${headers.toFixed(1)} s (want ${HEADERS_S}±${TOLERANCE_S}); body dripped: cut after ${body.toFixed(1)} s (want ${BODY_S}±${TOLERANCE_S})`,
  };
});
