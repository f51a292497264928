import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPortal } from '../support/portal.js';
import { buildForTest, removeBuild } from './start-process.js';

const run = promisify(execFile);
const SECRET = 'whsec_cli_test_0123456789';
let build: { main: string; dir: string };
let portal: Awaited<ReturnType<typeof startTestPortal>>;
let cli: string;

beforeAll(async () => {
  build = buildForTest();
  cli = join(build.dir, 'dist', 'src', 'cli', 'webhook-send.js');
  portal = await startTestPortal({ MINTOFFICE_WEBHOOK_SECRET: SECRET });
});
afterAll(async () => {
  await portal?.close();
  removeBuild(build.dir);
});

/** Runs `npm run webhook:send -- args` as a user would (the built CLI), with PORT pointing at the portal. */
async function send(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const port = new URL(portal.url).port;
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? '', ENV_FILE: '/dev/null', PORT: port, MINTOFFICE_WEBHOOK_SECRET: SECRET, ...env } });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout, err: err.stderr };
  }
}

const events = (): Array<{ event_id: string; event_type: string }> =>
  portal.deps.db.prepare('SELECT event_id, event_type FROM webhook_events ORDER BY id').all() as Array<{ event_id: string; event_type: string }>;

describe('npm run webhook:send', () => {
  it('when it sends a sample event to the local portal (found through PORT), then the portal stores it and it exits 0', async () => {
    const res = await send(['--type', 'agent.ready', '--order', '42']);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^evt_42_agent\.ready_\d+ agent\.ready → 200/);
    expect(events().at(-1)).toMatchObject({ event_type: 'agent.ready' });
  });

  it('when an event id is replayed, then its order and type come from the id and the second send is a duplicate', async () => {
    const id = 'evt_77_agent.failed_1747371234567';
    const first = await send(['--id', id]);
    const second = await send(['--id', id]);
    expect(first.out).toContain(`${id} agent.failed → 200`);
    expect(second.out).toContain('"duplicate":true');
    expect(events().filter((e) => e.event_id === id)).toEqual([{ event_id: id, event_type: 'agent.failed' }]);
  });

  it('when the signature is skewed past the tolerance or signed with another secret, then the portal refuses it and the exit code says so', async () => {
    const before = events().length;
    const stale = await send(['--skew=-400']);
    const wrong = await send(['--secret', 'whsec_not_the_one_123']);
    expect([stale.code, wrong.code]).toEqual([1, 1]);
    expect(stale.out).toContain('→ 401');
    expect(wrong.out).toContain('→ 401');
    expect(events()).toHaveLength(before);
  });

  it('when there is no secret or the arguments are wrong, then it says what to do and exits 2 without sending', async () => {
    const none = await send([], { MINTOFFICE_WEBHOOK_SECRET: '' });
    expect(none.code).toBe(2);
    expect(none.err).toContain('pass --secret or set MINTOFFICE_WEBHOOK_SECRET');
    const bad = await send(['--order', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--order: must be a whole number');
  });
});
