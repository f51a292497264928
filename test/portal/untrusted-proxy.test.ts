import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestPortal } from '../support/portal.js';

type Running = Awaited<ReturnType<typeof startTestPortal>>;
let portal: Running | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

function capturingLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const warnings = () => lines.filter((l) => l.level === 40 && /X-Forwarded-For/.test(l.msg));
  return { logger: pino({ level: 'warn' }, sink), warnings };
}

// The warning is once per process (vitest gives this file its own), so the case that must stay
// silent runs before the one that warns.
describe('X-Forwarded-For without TRUST_PROXY', () => {
  it('when TRUST_PROXY is set, then a proxied request logs no warning', async () => {
    const { logger, warnings } = capturingLogger();
    portal = await startTestPortal({ TRUST_PROXY: '1' }, { logger });
    const res = await fetch(`${portal.url}/partners`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(200);
    expect(warnings()).toEqual([]);
  });

  it('when requests carry X-Forwarded-For and TRUST_PROXY is not set, then ONE warning names TRUST_PROXY and what to set', async () => {
    const { logger, warnings } = capturingLogger();
    portal = await startTestPortal({}, { logger });
    await (await fetch(`${portal.url}/`)).arrayBuffer();
    expect(warnings()).toEqual([]);
    for (const path of ['/', '/partners', '/buy?plan=s1']) {
      const res = await fetch(`${portal.url}${path}`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      await res.arrayBuffer();
    }
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.msg).toMatch(/TRUST_PROXY=1/);
    expect(warnings()[0]!.msg).toMatch(/TRUST_PROXY is not set/);
  });
});
