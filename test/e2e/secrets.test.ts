import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/lib/net.js';
import { type StartedProcess, useBuild } from './start-process.js';

/** What an operator supplies; none of it may appear whole on the console or in a log. */
const SUPPLIED = {
  MINTOFFICE_API_KEY: 'mo_test_operator_key_0123456789abcdef',
  MINTOFFICE_WEBHOOK_SECRET: 'whsec_operator_secret_0123456789abcdef',
  ADMIN_PASSWORD: 'operator-admin-password-0123456789',
};

const app = useBuild('secrets');

function start(main: string, env: Record<string, string>): StartedProcess {
  return app.start(main, { LOG_LEVEL: 'debug', ...env });
}

async function stop(proc: StartedProcess): Promise<string> {
  proc.child.kill('SIGTERM');
  expect(await proc.exited).toBe(0);
  return proc.stdout() + proc.stderr();
}

/** A customer's visit that makes both apps use every secret: prices, an order, its webhook, the admin. */
async function useEverySecret(shop: string): Promise<void> {
  const form = await (await fetch(`${shop}/buy?plan=s1`)).text();
  const key = /name="idempotency_key" value="([^"]+)"/.exec(form)![1]!;
  const buy = await fetch(`${shop}/buy`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ plan: 's1', duration_months: '1', credit_usd: '0', language: 'en', idempotency_key: key }).toString(),
  });
  expect(buy.status).toBe(303);
  const admin = await fetch(`${shop}/admin`, { headers: { authorization: `Basic ${Buffer.from(`admin:${SUPPLIED.ADMIN_PASSWORD}`).toString('base64')}` } });
  expect(admin.status).toBe(200);
  const wrong = await fetch(`${shop}/admin`, { headers: { authorization: `Basic ${Buffer.from(`admin:${SUPPLIED.ADMIN_PASSWORD}x`).toString('base64')}` } });
  expect(wrong.status).toBe(401);
}

function expectNoSecretWhole(output: string, secrets: string[]): void {
  for (const secret of secrets) {
    expect(output.includes(secret), `the console shows ${secret.slice(0, 8)}… whole`).toBe(false);
  }
}

describe('secrets the operator supplied', () => {
  it('when npm start embeds the stub with the operator key, secret and admin password, then its whole output shows the key and secret by prefix only and never the password', async () => {
    const [port, stubPort] = [await freePort(), await freePort()];
    const run = app.folder('embedded-');
    const proc = start(app.main, { ...SUPPLIED, PORT: String(port), STUB_PORT: String(stubPort), DB_PATH: join(run, 'p.db'), STUB_DB_PATH: join(run, 's.db') });
    await proc.waitForStderr('Press Ctrl+C to stop.');
    expect(proc.stderr()).toContain(`API key    ${SUPPLIED.MINTOFFICE_API_KEY.slice(0, 8)}…`);
    expect(proc.stderr()).toContain(`signed with ${SUPPLIED.MINTOFFICE_WEBHOOK_SECRET.slice(0, 8)}…`);
    await useEverySecret(`http://127.0.0.1:${port}`);
    expectNoSecretWhole(await stop(proc), Object.values(SUPPLIED));
  });

  it('when npm run stub and npm start run apart with supplied keys and secrets, then neither process prints one whole', async () => {
    const [port, stubPort] = [await freePort(), await freePort()];
    const run = app.folder('apart-');
    const stubEnv = { STUB_API_KEY: 'mo_test_stub_operator_key_0123456789', STUB_WEBHOOK_SECRET: 'whsec_stub_operator_0123456789', STUB_PORT: String(stubPort), STUB_DB_PATH: join(run, 's.db'), STUB_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/mintoffice` };
    const stub = start(app.entry('stub/main.js'), stubEnv);
    await stub.waitForStderr('webhook URL');
    expect(stub.stderr()).toContain(`API key         ${stubEnv.STUB_API_KEY.slice(0, 8)}…`);
    const portal = start(app.main, {
      PORT: String(port),
      DB_PATH: join(run, 'p.db'),
      MINTOFFICE_API_URL: `http://127.0.0.1:${stubPort}`,
      MINTOFFICE_API_KEY: stubEnv.STUB_API_KEY,
      MINTOFFICE_WEBHOOK_SECRET: stubEnv.STUB_WEBHOOK_SECRET,
      ADMIN_PASSWORD: SUPPLIED.ADMIN_PASSWORD,
      CHECKOUT_ORIGINS: `http://127.0.0.1:${stubPort}`,
    });
    await portal.waitForStderr('Press Ctrl+C to stop.');
    await useEverySecret(`http://127.0.0.1:${port}`);
    const secrets = [stubEnv.STUB_API_KEY, stubEnv.STUB_WEBHOOK_SECRET, SUPPLIED.ADMIN_PASSWORD];
    expectNoSecretWhole(await stop(portal), secrets);
    expectNoSecretWhole(await stop(stub), secrets);
  });
});
