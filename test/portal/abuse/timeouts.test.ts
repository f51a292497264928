import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestPortal } from '../../support/portal.js';

type Running = Awaited<ReturnType<typeof startTestPortal>>;
let portal: Running | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

/** Opens a connection, writes `first`, and resolves with the ms until the server closes it. */
function timeUntilClosed(url: string, first: string): Promise<{ ms: number; reply: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket: Socket = connect(Number(port), hostname, () => socket.write(first));
    let reply = '';
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ ms: performance.now() - started, reply }));
    setTimeout(() => reject(new Error('still open after 12 s')), 12_000).unref();
  });
}

// The production values (15 s / 30 s) are measured by `npm run faults`; here the same server is
// started with short ones, so a check interval of Node's default 30 s would show as a 10 s+ wait.
describe('slow clients are cut off at the configured timeouts', () => {
  it('when a client never finishes its headers, then the connection closes at the headers timeout, not at the next 30 s check', async () => {
    portal = await startTestPortal({}, { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 });
    const { ms, reply } = await timeUntilClosed(portal.url, 'GET / HTTP/1.1\r\nHost: x\r\n');
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(4_000);
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
  });

  it('when a client sends its headers but drips the body, then the connection closes at the request timeout', async () => {
    portal = await startTestPortal({}, { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 });
    const { ms } = await timeUntilClosed(portal.url, 'POST /api/partner HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":');
    expect(ms).toBeGreaterThanOrEqual(1_900);
    expect(ms).toBeLessThan(5_000);
  });
});
