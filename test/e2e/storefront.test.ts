import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sign } from '../../src/contract/index.js';
import { browserAvailable, connectBrowser, watchedPage } from '../support/browser.js';
import { freePort } from '../../src/lib/net.js';
import { type StartedProcess, useBuild } from './start-process.js';

const app = useBuild('npm-start');

/** `npm start` with nothing configured but ports and paths (what a fresh clone does). */
async function npmStart(extra: Record<string, string> = {}): Promise<{ proc: StartedProcess; shop: string; stub: string }> {
  const [port, stubPort] = [await freePort(), await freePort()];
  const run = app.folder('run-');
  const proc = app.start(app.main, {
    PORT: String(port),
    STUB_PORT: String(stubPort),
    DB_PATH: join(run, 'portal.db'),
    STUB_DB_PATH: join(run, 'stub.db'),
    LOG_LEVEL: 'warn',
    ...extra,
  });
  await proc.waitForStderr('Press Ctrl+C to stop.');
  return { proc, shop: `http://127.0.0.1:${port}`, stub: `http://127.0.0.1:${stubPort}` };
}

describe('npm start', () => {
  it.each([
    ['PORT', { PORT: 'eighty' }, /^PORT: must be a whole number\n$/],
    ['MINTOFFICE_API_URL', { MINTOFFICE_API_URL: 'ftp://example.com' }, /^MINTOFFICE_API_URL: must be an http\(s\) URL\n$/],
    ['STUB_DEPLOY_SECONDS', { STUB_DEPLOY_SECONDS: 'soon' }, /^STUB_DEPLOY_SECONDS: must be a whole number from 0 to 86400\n$/],
    ['PLANS_FILE', { PLANS_FILE: '/nonexistent/plans.json' }, /^PLANS_FILE: cannot read \/nonexistent\/plans\.json \(no such file\)\n$/],
    ['CHECKOUT_ORIGINS', { CHECKOUT_ORIGINS: 'checkout' }, /^CHECKOUT_ORIGINS: "checkout" is not an origin/],
  ])('when %s is wrong, then it exits 1 with one line naming it and no stack', async (_name, env, line) => {
    const proc = app.start(app.main, { DB_PATH: join(app.data, 'never.db'), STUB_DB_PATH: join(app.data, 'never-stub.db'), STUB_PORT: String(await freePort()), ...env });
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toMatch(line);
    expect(proc.stderr()).not.toMatch(/\n\s+at /);
  });

  it('when the port is taken, then it exits 1 naming PORT', async () => {
    const first = await npmStart();
    const port = new URL(first.shop).port;
    const second = app.start(app.main, { PORT: port, STUB_PORT: String(await freePort()), DB_PATH: join(app.data, 'second.db'), STUB_DB_PATH: join(app.data, 'second-stub.db') });
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(new RegExp(`^Starting [^\\n]*\\nPORT: 127\\.0\\.0\\.1:${port} is already in use`));
  });

  it('when nothing is configured, then the embedded stub is wired in, /healthz is green, the admin password is printed, and SIGTERM stops it cleanly', async () => {
    const { proc, shop, stub } = await npmStart();
    expect(proc.stderr()).toContain(`Shop       http://127.0.0.1:${new URL(shop).port}/`);
    expect(proc.stderr()).toMatch(/password [A-Za-z0-9_-]{16}\)/);
    expect(proc.stderr()).toContain(`embedded mintbot stub at ${stub}/api/v1`);
    const health = await fetch(`${shop}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    // The real 303 from POST /buy goes to the stub's checkout, and the CSP lets the form follow it.
    const page = await fetch(`${shop}/buy?plan=s1`);
    const html = await page.text();
    const key = /name="idempotency_key" value="([^"]+)"/.exec(html)![1]!;
    const csp = page.headers.get('content-security-policy')!;
    const res = await fetch(`${shop}/buy`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ plan: 's1', duration_months: '1', credit_usd: '0', language: 'en', idempotency_key: key }).toString(),
    });
    expect(res.status).toBe(303);
    const checkoutOrigin = new URL(res.headers.get('location')!).origin;
    expect(checkoutOrigin).toBe(stub);
    const formAction = /form-action ([^;]+)/.exec(csp)![1]!.split(' ');
    expect(formAction).toContain(checkoutOrigin);

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.stderr()).toContain('SIGTERM: shutting down');
  });
});

describe('npm start with a fixed webhook secret', () => {
  it('when MINTOFFICE_WEBHOOK_SECRET is set in embedded mode, then the stub signs with it, the banner shows its prefix, and an event signed with it is accepted', async () => {
    const secret = 'whsec_operator_chosen_1';
    const { proc, shop, stub } = await npmStart({ MINTOFFICE_WEBHOOK_SECRET: secret });
    expect(proc.stderr()).toContain(`Webhooks   signed with ${secret.slice(0, 8)}…`);
    const apiKey = /API key {4}(\S+)/.exec(proc.stderr())![1]!;
    const settings = await fetch(`${stub}/api/v1/settings`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect((await settings.json()).api.webhook_secret_prefix).toBe(secret.slice(0, 8));

    const body = JSON.stringify({ id: 42, status: 'completed', external_id: null });
    const res = await fetch(`${shop}/webhooks/mintoffice`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mintbot-signature': sign(secret, body), 'x-mintbot-event-id': 'evt_42_order.paid_1', 'x-mintbot-event-type': 'order.paid' },
      body,
    });
    expect(res.status).toBe(200);
  });
});

describe('in a real browser', () => {
  it.runIf(browserAvailable())(
    'when a customer picks a plan and pays on the checkout, then the status page shows their agent ready with its panel link',
    async () => {
      const { shop } = await npmStart({ STUB_DEPLOY_SECONDS: '1' });
      const browser = await connectBrowser();
      const { page, context, problems } = await watchedPage(browser);
      try {
        await page.goto(`${shop}/`);
        await expect(page.locator('.plan-card.featured .ribbon').textContent()).resolves.toBe('Recommended');
        await page.getByRole('link', { name: 'Choose Starter' }).click();
        await page.waitForURL(`${shop}/buy?plan=s1`);
        expect(await page.locator('input[name="plan"][value="s1"]').isChecked()).toBe(true);
        await page.locator('input[name="duration_months"][value="3"]').check();
        await expect(page.locator('#order-total').textContent()).resolves.toBe('$36');
        await page.getByRole('button', { name: 'Continue to payment' }).click();

        await page.waitForURL(/\/checkout\/cs_test_/);
        await page.getByRole('button', { name: /^Pay / }).click();

        await page.waitForURL(new RegExp(`^${shop}/thank-you\\?ref=`));
        // The page follows the order by itself (order-status.js) until the agent is up.
        await page.getByRole('heading', { name: 'Your agent is ready' }).waitFor({ timeout: 15_000 });
        const panel = page.getByRole('link', { name: 'Open your agent’s panel' });
        expect(await panel.getAttribute('href')).toMatch(/^https:\/\/agent\d+\.example\.com\/panel$/);
        expect(await page.locator('text=Runs until').count()).toBe(1);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
        await browser.close();
      }
      // Proof for .ci/run that the browser test really ran (it cannot pass with this skipped).
      if (process.env.E2E_MARKER) writeFileSync(process.env.E2E_MARKER, 'browser e2e passed\n');
    },
    60_000,
  );
});
